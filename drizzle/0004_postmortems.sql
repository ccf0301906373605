CREATE TABLE `postmortems` (
	`incident_id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`impact_text` text DEFAULT '' NOT NULL,
	`users_affected_percent` real,
	`root_cause` text DEFAULT '' NOT NULL,
	`resolution` text DEFAULT '' NOT NULL,
	`measures` text DEFAULT '' NOT NULL,
	`lessons` text,
	`todos` text DEFAULT '[]' NOT NULL,
	`source_fingerprint` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`published_at` integer,
	`published_by` text,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `postmortems_fingerprint_idx` ON `postmortems` (`source_fingerprint`) WHERE source_fingerprint is not null;--> statement-breakpoint
CREATE INDEX `postmortems_state_idx` ON `postmortems` (`state`,`updated_at`);