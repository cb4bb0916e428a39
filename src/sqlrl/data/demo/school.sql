-- A small high school: teachers, students, courses, enrollments. Demo data written for sqlrl, CC0-1.0 (see LICENSE). Generated once, then kept as text.

CREATE TABLE teachers (
  teacher_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  subject TEXT,
  hire_year INTEGER,
  salary INTEGER
);

CREATE TABLE students (
  student_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  grade INTEGER,
  age INTEGER,
  city TEXT,
  gender TEXT
);

CREATE TABLE courses (
  course_id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  subject TEXT,
  teacher_id INTEGER REFERENCES teachers(teacher_id),
  credits INTEGER,
  room TEXT
);

CREATE TABLE enrollments (
  student_id INTEGER REFERENCES students(student_id),
  course_id INTEGER REFERENCES courses(course_id),
  score INTEGER,
  year INTEGER,
  PRIMARY KEY (student_id, course_id)
);

INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (1, 'Iris Hansen', 'Math', 2005, 54000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (2, 'Ben Tanaka', 'Physics', 2000, 63000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (3, 'Chloe Fischer', 'Chemistry', 2004, 70000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (4, 'Hugo Young', 'Biology', 1999, 55000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (5, 'Will Costa', 'History', 2021, 55000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (6, 'Olga Ito', 'English', 2016, 49000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (7, 'David Klein', 'Art', 2008, 41000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (8, 'Marco Fischer', 'Music', 2005, 72000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (9, 'Julia Varga', 'Math', 1996, 64000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (10, 'Bruno Weber', 'Physics', 2003, 70000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (11, 'David Silva', 'Chemistry', 2004, 71000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (12, 'Ben Silva', 'Biology', 2008, 63000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (13, 'Quinn Jensen', 'History', 2016, 49000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (14, 'Alma Garcia', 'English', 2004, 74000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (15, 'Liam Dubois', 'Art', 2006, 63000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (16, 'Lena Quist', 'Music', 2013, 39000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (17, 'Karl Berg', 'Math', 2004, 74000);
INSERT INTO teachers (teacher_id, name, subject, hire_year, salary) VALUES (18, 'Umar Tanaka', 'Physics', 2014, 73000);

INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (1, 'Ivan Quist', 10, 16, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (2, 'Bruno Zhang', 11, 17, 'Springfield', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (3, 'Hana Novak', 10, 16, 'Riverside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (4, 'Felix Costa', 9, 15, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (5, 'Chloe Lopez', 10, 16, 'Springfield', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (6, 'Grace Novak', 10, 16, 'Oakdale', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (7, 'Zoe Berg', 9, 14, 'Oakdale', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (8, 'Maya Quist', 9, 15, 'Springfield', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (9, 'Pablo Moreau', 9, 14, 'Springfield', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (10, 'Anna Dubois', 10, 15, 'Lakeside', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (11, 'Dario Garcia', 11, 16, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (12, 'Kara Adams', 11, 17, 'Springfield', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (13, 'Ivan Moreau', 11, 17, 'Lakeside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (14, 'Will Fischer', 10, 15, 'Riverside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (15, 'Vera Lopez', 9, 14, 'Lakeside', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (16, 'Maya Olsen', 9, 15, 'Lakeside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (17, 'Carla Costa', 9, 15, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (18, 'Ivan Evans', 10, 15, 'Riverside', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (19, 'Maya Ulrich', 11, 17, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (20, 'Grace Berg', 11, 17, 'Riverside', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (21, 'Maya Novak', 11, 16, 'Riverside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (22, 'Hugo Evans', 11, 16, 'Springfield', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (23, 'Lena Olsen', 11, 16, 'Oakdale', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (24, 'Carla Dubois', 9, 14, 'Riverside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (25, 'Fatima Weber', 11, 17, 'Oakdale', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (26, 'Hana Evans', 12, 17, 'Springfield', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (27, 'Lena Jensen', 10, 15, 'Riverside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (28, 'Emil Petrov', 12, 18, 'Lakeside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (29, 'Elena Ulrich', 12, 17, 'Springfield', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (30, 'Will Dubois', 10, 16, 'Hillview', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (31, 'Marco Ito', 12, 17, 'Hillview', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (32, 'Hugo Adams', 12, 17, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (33, 'Liam Quist', 11, 16, 'Riverside', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (34, 'Will Ulrich', 9, 15, 'Springfield', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (35, 'Elena Klein', 10, 16, 'Hillview', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (36, 'Grace Fischer', 10, 15, 'Oakdale', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (37, 'Marco Novak', 11, 16, 'Riverside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (38, 'Rosa Fischer', 10, 16, 'Oakdale', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (39, 'Maya Lopez', 10, 15, 'Oakdale', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (40, 'Hugo Garcia', 11, 17, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (41, 'Ivan Ito', 10, 16, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (42, 'Fatima Costa', 12, 17, 'Lakeside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (43, 'Liam Adams', 10, 16, 'Riverside', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (44, 'Rosa Zhang', 11, 16, 'Oakdale', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (45, 'Grace Silva', 10, 16, 'Oakdale', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (46, 'Emil Tanaka', 11, 16, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (47, 'Noah Moreau', 9, 14, 'Oakdale', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (48, 'Hana Fischer', 11, 17, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (49, 'Carla Hansen', 10, 15, 'Riverside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (50, 'Yusuf Tanaka', 11, 17, 'Springfield', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (51, 'Carla Garcia', 10, 16, 'Hillview', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (52, 'Noah Zhang', 9, 15, 'Lakeside', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (53, 'Fatima Ulrich', 9, 14, 'Springfield', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (54, 'Yusuf Berg', 12, 18, 'Lakeside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (55, 'Alma Olsen', 12, 18, 'Riverside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (56, 'Quinn Hansen', 9, 14, 'Lakeside', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (57, 'Olga Dubois', 9, 14, 'Hillview', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (58, 'Rosa Costa', 10, 15, 'Springfield', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (59, 'Karl Fischer', 12, 17, 'Oakdale', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (60, 'Liam Ulrich', 11, 16, 'Oakdale', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (61, 'Umar Berg', 10, 16, 'Riverside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (62, 'Ben Petrov', 9, 15, 'Lakeside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (63, 'Kara Tanaka', 9, 14, 'Oakdale', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (64, 'Rosa Berg', 11, 16, 'Hillview', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (65, 'Ben Ito', 10, 15, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (66, 'Anna Garcia', 9, 14, 'Oakdale', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (67, 'Chloe Varga', 11, 17, 'Riverside', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (68, 'Olga Olsen', 12, 18, 'Oakdale', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (69, 'Ivan Novak', 9, 14, 'Lakeside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (70, 'Iris Lopez', 10, 15, 'Hillview', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (71, 'Vera Ito', 12, 18, 'Hillview', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (72, 'Anna Weber', 9, 14, 'Lakeside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (73, 'Nina Rossi', 12, 17, 'Hillview', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (74, 'Xena Ito', 11, 16, 'Springfield', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (75, 'Gus Ito', 11, 17, 'Springfield', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (76, 'Maya Ito', 12, 18, 'Riverside', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (77, 'Rosa Quist', 12, 18, 'Riverside', 'M');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (78, 'Kara Lopez', 10, 15, 'Riverside', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (79, 'Gus Petrov', 9, 14, 'Springfield', 'F');
INSERT INTO students (student_id, name, grade, age, city, gender) VALUES (80, 'Fatima Evans', 11, 16, 'Hillview', 'M');

INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (1, 'Algebra I', 'Math', 9, 3, 'R102');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (2, 'Geometry', 'Math', 9, 2, 'R103');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (3, 'Calculus', 'Math', 1, 4, 'R115');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (4, 'Mechanics', 'Physics', 2, 4, 'R117');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (5, 'Electricity', 'Physics', 18, 3, 'R108');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (6, 'General Chemistry', 'Chemistry', 3, 3, 'R120');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (7, 'Organic Chemistry', 'Chemistry', 11, 4, 'R123');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (8, 'Cell Biology', 'Biology', 4, 4, 'R103');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (9, 'Ecology', 'Biology', 4, 2, 'R110');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (10, 'World History', 'History', 13, 3, 'R104');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (11, 'Ancient Rome', 'History', 13, 3, 'R117');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (12, 'Literature', 'English', 6, 3, 'R104');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (13, 'Creative Writing', 'English', 14, 4, 'R128');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (14, 'Grammar', 'English', 14, 3, 'R107');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (15, 'Drawing', 'Art', 7, 4, 'R125');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (16, 'Painting', 'Art', 7, 2, 'R110');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (17, 'Choir', 'Music', 8, 4, 'R124');
INSERT INTO courses (course_id, title, subject, teacher_id, credits, room) VALUES (18, 'Music Theory', 'Music', 16, 3, 'R127');

INSERT INTO enrollments (student_id, course_id, score, year) VALUES (1, 2, 79, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (1, 8, 48, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (1, 18, 85, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (2, 3, 79, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (2, 4, 73, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (2, 9, 73, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (3, 2, 65, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (3, 7, 89, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (3, 9, 68, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (3, 13, 76, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (3, 14, 67, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (5, 5, 84, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (5, 11, 51, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (5, 13, 66, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (5, 18, 46, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (6, 4, 81, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (6, 8, 69, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (6, 11, 62, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (6, 13, 64, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (7, 5, 55, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (7, 6, 95, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (7, 8, 91, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (7, 12, 50, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (7, 13, 56, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (7, 16, 57, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (7, 18, 71, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (8, 18, 49, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (10, 5, 85, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (10, 6, 78, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (11, 11, 68, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (12, 2, 100, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (12, 11, 93, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (12, 12, 74, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (12, 14, 83, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (13, 6, 63, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (13, 9, 97, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (13, 16, 55, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (14, 5, 86, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (14, 6, 97, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (14, 14, 46, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (15, 5, 46, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (16, 5, 96, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (16, 14, 70, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (16, 18, 83, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (18, 2, 57, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (18, 9, 95, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (18, 13, 68, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (19, 8, 93, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (19, 11, 55, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (19, 16, 94, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (20, 9, 94, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (20, 14, 98, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (21, 12, 77, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (21, 15, 45, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (22, 5, 87, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (22, 15, 75, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (23, 2, 85, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (23, 3, 77, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (23, 5, 92, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (23, 8, 90, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (23, 10, 50, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (23, 17, 61, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (24, 9, 73, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (25, 3, 86, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (25, 8, 87, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (26, 1, 72, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (26, 7, 75, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (26, 18, 78, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (27, 13, 99, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (27, 15, 86, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (28, 10, 47, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (29, 6, 69, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (29, 12, 90, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (29, 14, 97, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (29, 16, 90, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (30, 2, 63, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (31, 3, 86, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (31, 8, 70, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (31, 12, 72, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (32, 1, 85, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (33, 3, 93, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (33, 14, 82, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (34, 4, 65, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (34, 10, 92, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (35, 3, 62, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (35, 5, 60, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (35, 9, 76, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (35, 11, 94, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (35, 12, 91, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (35, 16, 60, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (36, 2, 74, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (36, 5, 96, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (36, 6, 66, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (36, 9, 54, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (36, 16, 51, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (37, 1, 78, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (37, 12, 50, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (37, 13, 54, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (38, 1, 46, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (38, 4, 86, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (38, 15, 100, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (38, 17, 45, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (39, 18, 73, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (40, 1, 93, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (40, 3, 97, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (40, 4, 68, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (40, 18, 78, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (41, 10, 71, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (42, 7, 49, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (42, 12, 60, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (42, 17, 72, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (43, 2, 55, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (43, 5, 95, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (43, 9, 54, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (44, 15, 48, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (44, 17, 88, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (45, 2, 75, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (46, 1, 84, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (46, 7, 48, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (46, 16, 94, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (47, 1, 68, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (47, 4, 87, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (47, 5, 87, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (47, 13, 63, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (48, 2, 86, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (48, 7, 49, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (48, 16, 52, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (49, 1, 80, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (49, 4, 57, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (49, 8, 63, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (50, 1, 100, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (50, 10, 69, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (51, 10, 62, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (51, 11, 47, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (51, 17, 64, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (52, 2, 100, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (52, 9, 60, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (52, 12, 74, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (52, 14, 60, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (52, 15, 65, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (53, 6, 91, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (53, 7, 73, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (53, 10, 51, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (53, 17, 74, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (54, 17, 90, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (55, 6, 65, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (55, 11, 47, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (55, 13, 62, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (55, 14, 61, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (56, 1, 80, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (56, 14, 54, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (57, 7, 91, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (57, 10, 80, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (57, 11, 55, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (57, 12, 53, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (58, 2, 45, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (58, 3, 56, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (58, 17, 94, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (61, 4, 93, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (61, 5, 86, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (62, 4, 76, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (62, 8, 73, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (62, 9, 67, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (63, 3, 78, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (63, 6, 76, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (63, 14, 51, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (64, 2, 79, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (64, 6, 85, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (64, 10, 54, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (64, 16, 95, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (65, 1, 52, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (65, 2, 46, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (65, 12, 46, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (65, 14, 88, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (65, 15, 52, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (66, 8, 75, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (66, 9, 66, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (67, 6, 85, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (67, 14, 92, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (68, 3, 69, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (68, 10, 78, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (68, 16, 77, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (69, 1, 46, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (69, 10, 73, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (70, 3, 95, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (70, 17, 91, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (72, 5, 58, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (72, 12, 83, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (72, 13, 51, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (73, 5, 77, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (73, 6, 65, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (73, 13, 96, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (74, 2, 94, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (74, 12, 74, 2023);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (74, 14, 64, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (74, 16, 53, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (75, 14, 94, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (75, 17, 52, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (76, 15, 83, 2024);
INSERT INTO enrollments (student_id, course_id, score, year) VALUES (76, 18, 84, 2023);
