CREATE TABLE `page_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
