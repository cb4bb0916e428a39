-- A small flights network: airports, airlines, flights. Demo data written for sqlrl, CC0-1.0 (see LICENSE). Generated once, then kept as text.

CREATE TABLE airports (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT,
  country TEXT
);

CREATE TABLE airlines (
  airline_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  country TEXT,
  founded INTEGER
);

CREATE TABLE flights (
  flight_id INTEGER PRIMARY KEY,
  flight_no TEXT NOT NULL,
  airline_id INTEGER REFERENCES airlines(airline_id),
  origin TEXT REFERENCES airports(code),
  destination TEXT REFERENCES airports(code),
  distance_km INTEGER,
  duration_min INTEGER,
  price REAL,
  weekday TEXT
);

INSERT INTO airports (code, name, city, country) VALUES ('LHR', 'Heathrow', 'London', 'UK');
INSERT INTO airports (code, name, city, country) VALUES ('LGW', 'Gatwick', 'London', 'UK');
INSERT INTO airports (code, name, city, country) VALUES ('CDG', 'Charles de Gaulle', 'Paris', 'France');
INSERT INTO airports (code, name, city, country) VALUES ('ORY', 'Orly', 'Paris', 'France');
INSERT INTO airports (code, name, city, country) VALUES ('FRA', 'Frankfurt Airport', 'Frankfurt', 'Germany');
INSERT INTO airports (code, name, city, country) VALUES ('MUC', 'Munich Airport', 'Munich', 'Germany');
INSERT INTO airports (code, name, city, country) VALUES ('MAD', 'Barajas', 'Madrid', 'Spain');
INSERT INTO airports (code, name, city, country) VALUES ('BCN', 'El Prat', 'Barcelona', 'Spain');
INSERT INTO airports (code, name, city, country) VALUES ('FCO', 'Fiumicino', 'Rome', 'Italy');
INSERT INTO airports (code, name, city, country) VALUES ('AMS', 'Schiphol', 'Amsterdam', 'Netherlands');
INSERT INTO airports (code, name, city, country) VALUES ('JFK', 'John F. Kennedy', 'New York', 'USA');
INSERT INTO airports (code, name, city, country) VALUES ('LAX', 'Los Angeles International', 'Los Angeles', 'USA');
INSERT INTO airports (code, name, city, country) VALUES ('ORD', 'O''Hare', 'Chicago', 'USA');
INSERT INTO airports (code, name, city, country) VALUES ('YYZ', 'Pearson', 'Toronto', 'Canada');
INSERT INTO airports (code, name, city, country) VALUES ('NRT', 'Narita', 'Tokyo', 'Japan');
INSERT INTO airports (code, name, city, country) VALUES ('DXB', 'Dubai International', 'Dubai', 'UAE');
INSERT INTO airports (code, name, city, country) VALUES ('LIS', 'Humberto Delgado', 'Lisbon', 'Portugal');
INSERT INTO airports (code, name, city, country) VALUES ('DUB', 'Dublin Airport', 'Dublin', 'Ireland');

INSERT INTO airlines (airline_id, name, country, founded) VALUES (1, 'Skyway', 'UK', 1985);
INSERT INTO airlines (airline_id, name, country, founded) VALUES (2, 'Air Lumière', 'France', 1972);
INSERT INTO airlines (airline_id, name, country, founded) VALUES (3, 'Alpen Air', 'Germany', 1990);
INSERT INTO airlines (airline_id, name, country, founded) VALUES (4, 'Iberia Blue', 'Spain', 1999);
INSERT INTO airlines (airline_id, name, country, founded) VALUES (5, 'Northstar', 'USA', 1968);
INSERT INTO airlines (airline_id, name, country, founded) VALUES (6, 'Maple Wings', 'Canada', 2001);
INSERT INTO airlines (airline_id, name, country, founded) VALUES (7, 'Sakura Air', 'Japan', 1980);
INSERT INTO airlines (airline_id, name, country, founded) VALUES (8, 'Desert Jet', 'UAE', 2005);
INSERT INTO airlines (airline_id, name, country, founded) VALUES (9, 'Atlantic Link', 'Ireland', 2010);
INSERT INTO airlines (airline_id, name, country, founded) VALUES (10, 'Tulip Air', 'Netherlands', 1995);

INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (1, 'TA100', 10, 'AMS', 'FCO', 8147, 671, 1123.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (2, 'AL107', 9, 'MUC', 'LIS', 5559, 473, 628.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (3, 'DJ114', 8, 'DXB', 'AMS', 7079, 578, 778.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (4, 'SX121', 1, 'YYZ', 'FCO', 5534, 467, 731.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (5, 'IB128', 4, 'MAD', 'JFK', 4960, 412, 751.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (6, 'AL135', 2, 'ORY', 'JFK', 4276, 369, 410.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (7, 'SX142', 1, 'LGW', 'DUB', 6758, 556, 566.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (8, 'AL149', 2, 'LAX', 'DUB', 2329, 206, 227.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (9, 'AL156', 2, 'LHR', 'LGW', 7017, 572, 676.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (10, 'IB163', 4, 'ORD', 'NRT', 8057, 669, 774.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (11, 'AL170', 9, 'DUB', 'DXB', 1450, 136, 203.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (12, 'SA177', 7, 'LAX', 'ORY', 4294, 355, 639.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (13, 'DJ184', 8, 'MUC', 'DXB', 8219, 658, 1007.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (14, 'TA191', 10, 'AMS', 'NRT', 4883, 413, 723.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (15, 'SA198', 7, 'NRT', 'ORD', 636, 97, 118.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (16, 'MW205', 6, 'YYZ', 'JFK', 4988, 427, 428.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (17, 'MW212', 6, 'LIS', 'LGW', 510, 71, 110.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (18, 'NX219', 5, 'CDG', 'ORY', 3554, 304, 330.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (19, 'TA226', 10, 'AMS', 'YYZ', 8952, 734, 863.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (20, 'DJ233', 8, 'DXB', 'MAD', 9417, 756, 1134.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (21, 'MW240', 6, 'YYZ', 'AMS', 808, 111, 152.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (22, 'SX247', 1, 'DXB', 'AMS', 5689, 472, 640.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (23, 'MW254', 6, 'YYZ', 'DXB', 7670, 623, 644.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (24, 'AL261', 2, 'CDG', 'FCO', 1942, 179, 241.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (25, 'AA268', 3, 'MUC', 'DUB', 7899, 646, 739.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (26, 'IB275', 4, 'MAD', 'CDG', 2743, 246, 265.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (27, 'NX282', 5, 'ORD', 'LHR', 8422, 686, 969.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (28, 'TA289', 10, 'AMS', 'BCN', 992, 110, 132.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (29, 'SX296', 1, 'LHR', 'MAD', 6580, 541, 581.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (30, 'SA303', 7, 'NRT', 'FRA', 8753, 703, 1138.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (31, 'SA310', 7, 'CDG', 'DXB', 3389, 309, 317.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (32, 'SA317', 7, 'YYZ', 'BCN', 6502, 550, 686.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (33, 'SA324', 7, 'LAX', 'NRT', 2892, 255, 284.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (34, 'SX331', 1, 'LHR', 'ORD', 5698, 478, 817.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (35, 'SA338', 7, 'NRT', 'ORY', 2518, 234, 295.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (36, 'AA345', 3, 'LIS', 'CDG', 6821, 552, 960.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (37, 'AL352', 9, 'DUB', 'ORY', 7532, 619, 639.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (38, 'NX359', 5, 'ORD', 'YYZ', 4938, 423, 537.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (39, 'IB366', 4, 'MAD', 'AMS', 3068, 276, 319.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (40, 'SX373', 1, 'AMS', 'MAD', 5312, 447, 395.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (41, 'IB380', 4, 'BCN', 'LIS', 6301, 520, 786.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (42, 'AL387', 9, 'JFK', 'FCO', 6047, 490, 563.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (43, 'AL394', 2, 'CDG', 'LHR', 5015, 411, 692.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (44, 'AL401', 9, 'DUB', 'YYZ', 8668, 712, 827.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (45, 'NX408', 5, 'JFK', 'LHR', 9012, 735, 939.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (46, 'AL415', 2, 'ORY', 'CDG', 5629, 471, 672.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (47, 'AA422', 3, 'FRA', 'AMS', 2453, 235, 242.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (48, 'MW429', 6, 'LHR', 'AMS', 2894, 265, 453.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (49, 'SA436', 7, 'NRT', 'MUC', 2758, 252, 370.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (50, 'SA443', 7, 'NRT', 'DXB', 2324, 203, 313.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (51, 'TA450', 10, 'AMS', 'DUB', 4850, 417, 473.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (52, 'MW457', 6, 'YYZ', 'MUC', 1657, 155, 234.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (53, 'SX464', 1, 'FRA', 'DUB', 6854, 569, 817.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (54, 'DJ471', 8, 'LHR', 'DUB', 7364, 603, 520.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (55, 'AL478', 9, 'DUB', 'CDG', 3410, 291, 453.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (56, 'DJ485', 8, 'JFK', 'LAX', 3748, 329, 512.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (57, 'AA492', 3, 'FRA', 'MAD', 2139, 199, 283.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (58, 'IB499', 4, 'FRA', 'LGW', 1957, 181, 213.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (59, 'SA506', 7, 'DXB', 'CDG', 6191, 509, 618.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (60, 'AL513', 9, 'DUB', 'MAD', 6050, 494, 741.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (61, 'MW520', 6, 'YYZ', 'DUB', 1887, 170, 238.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (62, 'MW527', 6, 'YYZ', 'LIS', 5784, 481, 485.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (63, 'SX534', 1, 'AMS', 'DUB', 4547, 374, 595.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (64, 'AA541', 3, 'MUC', 'NRT', 6814, 557, 895.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (65, 'DJ548', 8, 'MAD', 'ORD', 8935, 725, 868.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (66, 'MW555', 6, 'MUC', 'DUB', 5874, 486, 590.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (67, 'NX562', 5, 'LAX', 'LIS', 3918, 333, 460.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (68, 'AA569', 3, 'LIS', 'DUB', 8625, 696, 1033.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (69, 'NX576', 5, 'BCN', 'MUC', 634, 93, 118.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (70, 'TA583', 10, 'ORD', 'MUC', 7290, 596, 501.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (71, 'SX590', 1, 'FRA', 'LAX', 1430, 146, 169.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (72, 'AA597', 3, 'MUC', 'LHR', 591, 94, 118.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (73, 'MW604', 6, 'FRA', 'FCO', 9485, 765, 1372.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (74, 'AA611', 3, 'FRA', 'LGW', 8485, 700, 583.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (75, 'AA618', 3, 'LAX', 'CDG', 8154, 654, 568.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (76, 'TA625', 10, 'AMS', 'CDG', 2079, 199, 309.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (77, 'AL632', 2, 'MUC', 'JFK', 1066, 121, 137.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (78, 'TA639', 10, 'LGW', 'LHR', 3116, 283, 415.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (79, 'AL646', 9, 'ORD', 'MUC', 1351, 137, 225.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (80, 'DJ653', 8, 'DXB', 'NRT', 7096, 593, 932.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (81, 'DJ660', 8, 'DXB', 'YYZ', 6383, 525, 934.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (82, 'SA667', 7, 'NRT', 'LAX', 9229, 754, 860.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (83, 'SA674', 7, 'NRT', 'LHR', 1710, 177, 209.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (84, 'NX681', 5, 'LAX', 'ORD', 8331, 673, 1082.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (85, 'IB688', 4, 'LAX', 'ORY', 6282, 510, 532.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (86, 'SA695', 7, 'NRT', 'YYZ', 1816, 175, 216.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (87, 'NX702', 5, 'ORD', 'MUC', 505, 88, 105.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (88, 'SX709', 1, 'FRA', 'MUC', 7310, 611, 844.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (89, 'AA716', 3, 'FRA', 'LAX', 4730, 408, 507.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (90, 'MW723', 6, 'MUC', 'LHR', 7059, 569, 878.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (91, 'DJ730', 8, 'DXB', 'FRA', 9040, 727, 895.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (92, 'SA737', 7, 'NRT', 'LGW', 4165, 352, 560.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (93, 'AA744', 3, 'DXB', 'ORY', 9491, 761, 1306.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (94, 'IB751', 4, 'LAX', 'CDG', 4313, 378, 323.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (95, 'DJ758', 8, 'DXB', 'ORY', 7823, 638, 588.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (96, 'SA765', 7, 'BCN', 'YYZ', 579, 74, 115.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (97, 'DJ772', 8, 'DXB', 'BCN', 5015, 419, 727.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (98, 'AA779', 3, 'MUC', 'MAD', 3668, 328, 350.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (99, 'AL786', 2, 'LGW', 'DXB', 617, 96, 136.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (100, 'TA793', 10, 'MAD', 'LHR', 7891, 636, 808.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (101, 'AA800', 3, 'MUC', 'LGW', 867, 114, 139.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (102, 'AA807', 3, 'ORD', 'MAD', 3156, 276, 441.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (103, 'TA814', 10, 'AMS', 'JFK', 5699, 472, 607.0, 'Tue');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (104, 'AA821', 3, 'MAD', 'LHR', 2152, 213, 360.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (105, 'MW828', 6, 'ORD', 'YYZ', 790, 91, 144.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (106, 'TA835', 10, 'AMS', 'LAX', 9082, 740, 1214.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (107, 'IB842', 4, 'BCN', 'FCO', 9168, 735, 684.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (108, 'AL849', 2, 'ORY', 'LAX', 5598, 469, 560.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (109, 'DJ856', 8, 'DXB', 'DUB', 6901, 563, 568.0, 'Wed');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (110, 'DJ863', 8, 'DXB', 'CDG', 3893, 340, 463.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (111, 'SX870', 1, 'LIS', 'DXB', 1965, 184, 257.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (112, 'DJ877', 8, 'DXB', 'MUC', 8242, 672, 748.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (113, 'NX884', 5, 'AMS', 'YYZ', 7894, 642, 980.0, 'Thu');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (114, 'AL891', 2, 'ORY', 'MUC', 575, 91, 110.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (115, 'IB898', 4, 'BCN', 'DUB', 5941, 486, 884.0, 'Mon');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (116, 'NX905', 5, 'JFK', 'FRA', 333, 67, 89.0, 'Fri');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (117, 'AA912', 3, 'MAD', 'DXB', 8927, 729, 838.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (118, 'IB919', 4, 'MAD', 'NRT', 2796, 259, 302.0, 'Sun');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (119, 'IB926', 4, 'BCN', 'CDG', 4882, 402, 635.0, 'Sat');
INSERT INTO flights (flight_id, flight_no, airline_id, origin, destination, distance_km, duration_min, price, weekday) VALUES (120, 'IB933', 4, 'MUC', 'FRA', 8109, 659, 1121.0, 'Sat');
