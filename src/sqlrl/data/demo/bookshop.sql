-- A small bookshop: authors, books, customers, orders. Demo data written for sqlrl, CC0-1.0 (see LICENSE). Generated once, then kept as text.

CREATE TABLE authors (
  author_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  country TEXT,
  birth_year INTEGER
);

CREATE TABLE books (
  book_id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  author_id INTEGER REFERENCES authors(author_id),
  genre TEXT,
  price REAL,
  pub_year INTEGER,
  pages INTEGER,
  stock INTEGER
);

CREATE TABLE customers (
  customer_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT,
  email TEXT,
  joined_year INTEGER
);

CREATE TABLE orders (
  order_id INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customers(customer_id),
  book_id INTEGER REFERENCES books(book_id),
  quantity INTEGER,
  order_date TEXT,
  status TEXT
);

INSERT INTO authors (author_id, name, country, birth_year) VALUES (1, 'Chloe Rossi', 'UK', 1959);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (2, 'Dario Olsen', 'Japan', 1956);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (3, 'Gus Silva', 'UK', 1975);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (4, 'Maya Fischer', 'Japan', 1950);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (5, 'Gus Petrov', 'Germany', 1962);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (6, 'Nina Fischer', 'Japan', 1931);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (7, 'Grace Olsen', 'UK', 1966);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (8, 'Tara Evans', 'UK', 1955);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (9, 'Felix Rossi', 'UK', 1984);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (10, 'Carla Tanaka', 'Japan', 1954);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (11, 'Zoe Olsen', 'UK', 1931);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (12, 'Nina Ulrich', 'USA', 1943);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (13, 'Kara Tanaka', 'Germany', 1989);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (14, 'Anna Quist', 'USA', 1960);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (15, 'Elena Berg', 'Spain', 1975);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (16, 'Carla Garcia', 'Spain', 1956);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (17, 'Pablo Tanaka', 'UK', 1966);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (18, 'Ben Zhang', 'Germany', 1979);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (19, 'Dario Klein', 'Japan', 1951);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (20, 'Chloe Silva', 'UK', 1949);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (21, 'Maya Quist', 'Canada', 1930);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (22, 'Olga Ulrich', 'Spain', 1978);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (23, 'Sam Petrov', 'UK', 1938);
INSERT INTO authors (author_id, name, country, birth_year) VALUES (24, 'Anna Varga', 'Germany', 1975);

INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (1, 'The Golden River', 19, 'Fiction', 29.35, 1970, 182, 40);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (2, 'The Hidden Storm', 4, 'Fantasy', 40.19, 2011, 428, 24);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (3, 'The Wild Clock', 24, 'Children', 22.62, 2018, 644, 5);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (4, 'The Distant Storm', 17, 'Fiction', 17.41, 1970, 582, 1);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (5, 'The Distant Island', 8, 'Mystery', 24.89, 2004, 765, 31);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (6, 'The Endless Orchard', 9, 'Fiction', 19.72, 1974, 784, 39);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (7, 'The Golden Orchard', 7, 'Science', 35.15, 1986, 765, 28);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (8, 'The Endless Forest', 16, 'History', 18.08, 2007, 346, 12);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (9, 'The Silent Mirror', 21, 'Biography', 37.15, 2013, 295, 13);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (10, 'The Quiet River', 13, 'History', 28.32, 1985, 304, 8);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (11, 'The Distant Clock', 5, 'Children', 19.03, 2022, 131, 4);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (12, 'The Small Letter', 9, 'Science', 9.51, 1995, 371, 13);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (13, 'The Hidden Island', 14, 'Biography', 30.03, 1996, 778, 20);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (14, 'The Winter River', 23, 'Children', 17.81, 2018, 122, 17);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (15, 'The Lost Harbor', 20, 'Fiction', 32.13, 1982, 674, 22);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (16, 'The Small Empire', 10, 'Fiction', 30.64, 1990, 555, 12);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (17, 'The Last Empire', 1, 'Fantasy', 14.5, 1974, 138, 40);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (18, 'The Distant Voyage', 4, 'Children', 9.36, 1999, 760, 40);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (19, 'The Silent Kingdom', 12, 'Mystery', 32.38, 1977, 576, 16);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (20, 'The Bright Storm', 6, 'Fiction', 35.2, 1999, 127, 11);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (21, 'The Broken City', 8, 'Fantasy', 36.14, 1999, 804, 33);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (22, 'The Broken Orchard', 17, 'Science', 20.74, 2015, 806, 14);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (23, 'The Secret Island', 3, 'Biography', 42.3, 2011, 487, 8);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (24, 'The Quiet Voyage', 15, 'Children', 12.88, 2021, 96, 24);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (25, 'The Red Forest', 18, 'Poetry', 23.55, 2006, 299, 6);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (26, 'The Secret Forest', 24, 'Mystery', 13.53, 2022, 489, 5);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (27, 'The Small City', 10, 'Poetry', 15.48, 2010, 106, 22);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (28, 'The Last Lantern', 17, 'Mystery', 6.49, 1986, 653, 26);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (29, 'The Hidden Letter', 9, 'Children', 41.79, 1978, 155, 27);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (30, 'The Golden Garden', 2, 'Science', 26.32, 2008, 233, 30);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (31, 'The Winter Voyage', 5, 'Children', 42.83, 1996, 682, 5);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (32, 'The Small Mirror', 8, 'Children', 26.07, 1983, 665, 40);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (33, 'The Endless City', 6, 'Fantasy', 17.47, 1989, 714, 13);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (34, 'The Quiet Clock', 10, 'Science', 43.74, 1998, 369, 36);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (35, 'The Last Island', 16, 'History', 21.44, 1972, 605, 0);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (36, 'The Red City', 20, 'Biography', 6.11, 1967, 618, 25);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (37, 'The Last Mirror', 18, 'Mystery', 24.64, 2009, 260, 4);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (38, 'The Distant Forest', 18, 'Children', 21.55, 2016, 503, 17);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (39, 'The Silent Empire', 8, 'Children', 24.72, 1986, 534, 30);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (40, 'The Winter Lantern', 17, 'Poetry', 9.34, 1991, 722, 1);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (41, 'The Frozen Voyage', 9, 'Science', 33.08, 1966, 126, 12);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (42, 'The Hidden Garden', 5, 'History', 5.47, 1983, 419, 22);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (43, 'The Secret Harbor', 8, 'Children', 9.2, 2011, 686, 7);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (44, 'The Bright Island', 17, 'Fantasy', 33.71, 2009, 633, 27);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (45, 'The Last Kingdom', 1, 'Biography', 30.32, 2017, 632, 39);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (46, 'The Broken Storm', 6, 'History', 39.55, 1999, 743, 13);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (47, 'The Lost Island', 17, 'History', 39.05, 2004, 690, 8);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (48, 'The Hidden River', 8, 'Poetry', 41.11, 1985, 707, 20);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (49, 'The Wild Kingdom', 7, 'History', 36.13, 1977, 189, 8);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (50, 'The Quiet Garden', 8, 'Science', 34.06, 1981, 487, 6);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (51, 'The Wild Empire', 14, 'Biography', 26.73, 2010, 219, 12);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (52, 'The Quiet Mountain', 13, 'Fiction', 8.84, 2001, 788, 22);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (53, 'The Broken Empire', 12, 'Mystery', 33.19, 2005, 441, 32);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (54, 'The Last Storm', 22, 'History', 37.11, 1995, 198, 1);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (55, 'The Bright Garden', 2, 'Children', 10.86, 1976, 207, 13);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (56, 'The Broken Mountain', 6, 'Science', 44.61, 2008, 187, 37);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (57, 'The Bright Empire', 2, 'Science', 43.06, 1994, 169, 6);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (58, 'The Endless River', 11, 'Biography', 23.68, 1997, 453, 27);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (59, 'The Wild River', 7, 'Poetry', 5.53, 2009, 131, 12);
INSERT INTO books (book_id, title, author_id, genre, price, pub_year, pages, stock) VALUES (60, 'The Small Orchard', 6, 'Biography', 23.16, 2012, 469, 25);

INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (1, 'Maya Tanaka', 'Toronto', NULL, 2022);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (2, 'Kara Dubois', 'Paris', 'kara2@mail.com', 2023);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (3, 'Gus Adams', 'Dublin', 'gus3@mail.com', 2015);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (4, 'Umar Costa', 'Toronto', 'umar4@mail.com', 2017);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (5, 'Zoe Silva', 'Toronto', 'zoe5@mail.com', 2022);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (6, 'Marco Garcia', 'Berlin', 'marco6@mail.com', 2023);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (7, 'Gus Silva', 'Dublin', 'gus7@mail.com', 2024);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (8, 'Vera Zhang', 'London', 'vera8@mail.com', 2021);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (9, 'Quinn Ito', 'Tokyo', 'quinn9@mail.com', 2021);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (10, 'Hugo Young', 'Rome', 'hugo10@mail.com', 2023);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (11, 'Kara Moreau', 'Toronto', 'kara11@mail.com', 2020);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (12, 'Iris Klein', 'Lisbon', 'iris12@mail.com', 2019);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (13, 'Ivan Weber', 'Tokyo', 'ivan13@mail.com', 2019);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (14, 'Xena Zhang', 'Lisbon', 'xena14@mail.com', 2019);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (15, 'Bruno Zhang', 'Rome', 'bruno15@mail.com', 2015);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (16, 'Liam Moreau', 'London', NULL, 2024);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (17, 'Noah Young', 'London', 'noah17@mail.com', 2017);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (18, 'Liam Costa', 'Toronto', 'liam18@mail.com', 2021);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (19, 'Vera Jensen', 'London', 'vera19@mail.com', 2020);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (20, 'Emil Dubois', 'Toronto', 'emil20@mail.com', 2015);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (21, 'Anna Lopez', 'Dublin', 'anna21@mail.com', 2016);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (22, 'Nina Berg', 'Madrid', 'nina22@mail.com', 2021);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (23, 'Olga Ito', 'Tokyo', 'olga23@mail.com', 2019);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (24, 'Tara Klein', 'Madrid', 'tara24@mail.com', 2015);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (25, 'Noah Varga', 'Lisbon', 'noah25@mail.com', 2016);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (26, 'Liam Rossi', 'Tokyo', NULL, 2018);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (27, 'Elena Moreau', 'Dublin', 'elena27@mail.com', 2016);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (28, 'Gus Petrov', 'London', 'gus28@mail.com', 2024);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (29, 'Noah Weber', 'Toronto', 'noah29@mail.com', 2022);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (30, 'Hugo Zhang', 'Paris', 'hugo30@mail.com', 2018);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (31, 'Ben Dubois', 'London', 'ben31@mail.com', 2023);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (32, 'Nina Dubois', 'Berlin', 'nina32@mail.com', 2016);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (33, 'Pablo Ito', 'Boston', 'pablo33@mail.com', 2022);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (34, 'Chloe Moreau', 'Berlin', 'chloe34@mail.com', 2021);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (35, 'Gus Berg', 'Tokyo', 'gus35@mail.com', 2024);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (36, 'Maya Ulrich', 'Rome', 'maya36@mail.com', 2020);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (37, 'Yusuf Adams', 'Lisbon', 'yusuf37@mail.com', 2017);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (38, 'Grace Ito', 'Rome', 'grace38@mail.com', 2017);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (39, 'Vera Rossi', 'Madrid', 'vera39@mail.com', 2022);
INSERT INTO customers (customer_id, name, city, email, joined_year) VALUES (40, 'Ivan Quist', 'Paris', 'ivan40@mail.com', 2023);

INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (1, 33, 40, 3, '2023-05-26', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (2, 13, 41, 3, '2022-10-22', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (3, 13, 57, 1, '2024-04-17', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (4, 17, 28, 1, '2024-01-09', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (5, 35, 18, 1, '2022-02-08', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (6, 16, 41, 3, '2023-03-18', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (7, 22, 22, 4, '2024-06-07', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (8, 8, 29, 2, '2023-02-26', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (9, 25, 52, 2, '2023-12-09', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (10, 21, 19, 2, '2023-11-27', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (11, 7, 30, 3, '2022-06-19', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (12, 32, 53, 4, '2023-02-14', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (13, 20, 14, 1, '2024-01-03', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (14, 21, 19, 2, '2022-08-24', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (15, 21, 24, 1, '2023-11-24', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (16, 18, 29, 3, '2023-08-19', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (17, 34, 16, 1, '2023-04-13', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (18, 24, 44, 4, '2024-06-01', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (19, 24, 52, 4, '2024-04-24', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (20, 12, 12, 1, '2023-10-19', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (21, 2, 15, 1, '2024-05-26', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (22, 2, 42, 4, '2022-10-10', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (23, 35, 6, 3, '2022-09-10', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (24, 21, 6, 1, '2024-12-04', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (25, 28, 16, 2, '2023-03-04', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (26, 30, 26, 3, '2023-09-11', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (27, 9, 32, 4, '2024-06-22', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (28, 3, 27, 3, '2022-12-03', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (29, 6, 57, 4, '2024-07-27', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (30, 24, 46, 1, '2022-01-17', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (31, 16, 48, 2, '2024-07-05', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (32, 21, 14, 4, '2023-11-06', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (33, 4, 31, 3, '2024-05-09', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (34, 10, 50, 2, '2022-05-21', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (35, 31, 59, 1, '2023-08-01', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (36, 23, 14, 2, '2024-04-06', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (37, 33, 15, 4, '2022-08-20', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (38, 20, 41, 4, '2023-07-06', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (39, 36, 50, 1, '2023-07-11', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (40, 4, 14, 2, '2023-04-13', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (41, 18, 51, 1, '2024-09-25', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (42, 31, 58, 3, '2023-01-28', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (43, 27, 39, 2, '2023-04-23', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (44, 17, 59, 2, '2024-06-05', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (45, 34, 35, 1, '2022-10-09', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (46, 14, 53, 2, '2022-03-01', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (47, 34, 7, 4, '2024-06-09', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (48, 35, 55, 3, '2022-02-24', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (49, 13, 59, 1, '2023-04-14', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (50, 27, 34, 4, '2022-01-18', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (51, 20, 26, 1, '2024-05-11', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (52, 5, 24, 1, '2024-08-22', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (53, 26, 44, 4, '2024-02-22', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (54, 29, 1, 4, '2024-02-21', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (55, 19, 37, 1, '2023-08-08', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (56, 14, 58, 2, '2023-01-28', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (57, 20, 22, 4, '2024-07-18', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (58, 13, 13, 4, '2024-02-09', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (59, 18, 37, 4, '2024-06-10', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (60, 25, 6, 1, '2022-06-15', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (61, 12, 12, 2, '2023-02-05', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (62, 6, 7, 2, '2022-08-19', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (63, 27, 50, 1, '2023-02-14', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (64, 9, 42, 2, '2022-07-17', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (65, 31, 22, 4, '2024-12-13', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (66, 21, 51, 2, '2024-12-13', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (67, 17, 22, 2, '2023-09-01', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (68, 7, 36, 4, '2022-11-15', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (69, 19, 53, 1, '2024-06-26', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (70, 35, 58, 3, '2024-03-09', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (71, 33, 33, 2, '2024-06-20', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (72, 13, 37, 1, '2024-04-17', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (73, 6, 9, 2, '2023-04-25', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (74, 22, 22, 1, '2023-07-23', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (75, 29, 47, 2, '2022-08-04', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (76, 36, 5, 3, '2022-09-18', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (77, 10, 8, 1, '2023-06-20', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (78, 24, 54, 2, '2022-06-08', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (79, 5, 30, 1, '2023-09-26', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (80, 20, 49, 4, '2024-11-05', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (81, 2, 11, 2, '2023-11-26', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (82, 34, 25, 1, '2024-01-05', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (83, 34, 9, 3, '2022-03-11', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (84, 3, 47, 2, '2023-06-02', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (85, 31, 23, 4, '2024-10-04', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (86, 27, 49, 3, '2023-10-25', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (87, 28, 8, 1, '2024-12-14', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (88, 28, 27, 1, '2023-09-17', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (89, 28, 47, 4, '2024-05-24', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (90, 5, 16, 1, '2023-05-19', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (91, 26, 4, 4, '2024-09-28', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (92, 35, 20, 4, '2022-09-08', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (93, 24, 56, 4, '2024-12-28', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (94, 27, 37, 1, '2022-03-08', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (95, 9, 8, 4, '2022-09-26', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (96, 20, 2, 3, '2022-04-24', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (97, 34, 26, 2, '2023-08-15', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (98, 3, 20, 1, '2023-10-08', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (99, 32, 10, 4, '2022-05-11', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (100, 4, 13, 3, '2023-05-28', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (101, 36, 13, 2, '2022-01-06', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (102, 20, 47, 3, '2023-11-04', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (103, 9, 22, 4, '2023-07-23', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (104, 20, 8, 2, '2023-03-08', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (105, 33, 43, 3, '2023-12-08', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (106, 8, 38, 2, '2023-11-17', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (107, 18, 9, 1, '2023-11-08', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (108, 5, 34, 1, '2022-08-17', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (109, 35, 17, 4, '2024-10-10', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (110, 13, 16, 2, '2023-03-10', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (111, 12, 51, 2, '2022-09-01', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (112, 25, 1, 4, '2022-08-25', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (113, 24, 21, 4, '2022-02-18', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (114, 34, 48, 2, '2024-05-17', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (115, 28, 16, 4, '2024-03-04', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (116, 16, 17, 4, '2024-05-26', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (117, 32, 17, 1, '2022-10-20', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (118, 29, 56, 2, '2023-12-02', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (119, 32, 52, 4, '2024-10-01', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (120, 2, 5, 1, '2022-12-09', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (121, 16, 40, 2, '2022-11-18', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (122, 21, 53, 3, '2024-07-02', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (123, 33, 11, 4, '2023-02-21', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (124, 30, 4, 3, '2023-03-16', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (125, 14, 46, 1, '2022-06-23', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (126, 10, 48, 4, '2024-10-05', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (127, 16, 27, 2, '2022-01-01', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (128, 31, 28, 1, '2022-09-10', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (129, 15, 19, 3, '2022-12-25', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (130, 30, 6, 2, '2023-04-14', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (131, 14, 3, 2, '2023-06-20', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (132, 22, 37, 2, '2023-11-02', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (133, 14, 25, 4, '2022-07-27', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (134, 16, 12, 2, '2023-07-12', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (135, 30, 49, 3, '2023-07-07', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (136, 12, 56, 4, '2022-08-21', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (137, 5, 4, 3, '2023-07-14', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (138, 34, 12, 3, '2024-10-01', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (139, 14, 18, 1, '2023-10-21', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (140, 24, 9, 2, '2024-03-24', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (141, 21, 54, 4, '2023-02-01', 'shipped');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (142, 17, 50, 1, '2023-07-11', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (143, 32, 3, 2, '2022-10-08', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (144, 3, 14, 3, '2023-10-05', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (145, 9, 34, 3, '2023-08-18', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (146, 25, 10, 2, '2023-08-22', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (147, 26, 9, 4, '2024-12-15', 'cancelled');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (148, 7, 19, 3, '2023-06-08', 'delivered');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (149, 3, 55, 1, '2024-04-05', 'pending');
INSERT INTO orders (order_id, customer_id, book_id, quantity, order_date, status) VALUES (150, 1, 52, 3, '2024-08-19', 'pending');
