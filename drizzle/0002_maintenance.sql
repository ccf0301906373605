CREATE TABLE `maintenance_components` (
	`maintenance_id` text NOT NULL,
	`component_id` text NOT NULL,
	PRIMARY KEY(`maintenance_id`, `component_id`),
	FOREIGN KEY (`maintenance_id`) REFERENCES `maintenances`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `components`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `maintenance_components_component_idx` ON `maintenance_components` (`component_id`);--> statement-breakpoint
CREATE TABLE `maintenance_updates` (
	`id` text PRIMARY KEY NOT NULL,
	`maintenance_id` text NOT NULL,
	`at` integer NOT NULL,
	`posted_at` integer NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`author_name` text,
	FOREIGN KEY (`maintenance_id`) REFERENCES `maintenances`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `maintenance_updates_idx` ON `maintenance_updates` (`maintenance_id`,`at`,`id`);--> statement-breakpoint
CREATE TABLE `maintenances` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`scheduled_until` integer NOT NULL,
	`auto_start` integer DEFAULT true NOT NULL,
	`auto_complete` integer DEFAULT true NOT NULL,
	`notify` integer DEFAULT true NOT NULL,
	`started_at` integer,
	`completed_at` integer,
	`cancelled_at` integer,
	`sequence` integer DEFAULT 0 NOT NULL,
	`reminder_sent_at` integer,
	`restore` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`created_by` text
);
--> statement-breakpoint
CREATE INDEX `maintenances_window_idx` ON `maintenances` (`scheduled_for`);--> statement-breakpoint
CREATE INDEX `maintenances_status_idx` ON `maintenances` (`status`,`scheduled_for`);--> statement-breakpoint
ALTER TABLE `page_settings` ADD `maintenance_reminder_minutes` integer DEFAULT 60 NOT NULL;