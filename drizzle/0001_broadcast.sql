CREATE TABLE `broadcasts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`incident_id` text,
	`event_id` text,
	`status_change_id` text,
	`component_ids` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`expanded_through` text,
	`expanded_at` integer
);
--> statement-breakpoint
CREATE INDEX `broadcasts_pending_idx` ON `broadcasts` (`expanded_at`,`id`);--> statement-breakpoint
CREATE INDEX `broadcasts_event_idx` ON `broadcasts` (`event_id`);--> statement-breakpoint
CREATE TABLE `captured_mail` (
	`id` text PRIMARY KEY NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text NOT NULL,
	`headers` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `captured_mail_created_idx` ON `captured_mail` (`created_at`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`broadcast_id` text NOT NULL,
	`subscriber_id` text NOT NULL,
	`incident_id` text,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`last_status` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscribers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_broadcast_subscriber_idx` ON `deliveries` (`broadcast_id`,`subscriber_id`);--> statement-breakpoint
CREATE INDEX `deliveries_due_idx` ON `deliveries` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `deliveries_lease_idx` ON `deliveries` (`state`,`lease_until`);--> statement-breakpoint
CREATE INDEX `deliveries_subscriber_idx` ON `deliveries` (`subscriber_id`,`incident_id`,`id`);--> statement-breakpoint
CREATE TABLE `subscriber_scopes` (
	`subscriber_id` text NOT NULL,
	`component_id` text DEFAULT '' NOT NULL,
	`group_id` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`subscriber_id`, `component_id`, `group_id`),
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscribers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `subscriber_scopes_component_idx` ON `subscriber_scopes` (`component_id`);--> statement-breakpoint
CREATE INDEX `subscriber_scopes_group_idx` ON `subscriber_scopes` (`group_id`);--> statement-breakpoint
CREATE TABLE `subscribers` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`target` text NOT NULL,
	`target_key` text NOT NULL,
	`state` text NOT NULL,
	`all_components` integer DEFAULT true NOT NULL,
	`manage_token` text NOT NULL,
	`confirm_token_hash` text,
	`confirm_expires_at` integer,
	`secret` text,
	`previous_secret` text,
	`previous_secret_until` integer,
	`failure_streak` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`confirmed_at` integer,
	`unsubscribed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_email_idx` ON `subscribers` (`target_key`) WHERE channel = 'email';--> statement-breakpoint
CREATE INDEX `subscribers_target_idx` ON `subscribers` (`channel`,`target_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_manage_idx` ON `subscribers` (`manage_token`);--> statement-breakpoint
CREATE INDEX `subscribers_confirm_idx` ON `subscribers` (`confirm_token_hash`);--> statement-breakpoint
CREATE INDEX `subscribers_state_idx` ON `subscribers` (`state`,`id`);--> statement-breakpoint
ALTER TABLE `page_settings` ADD `mail_from` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `mail_reply_to` text;--> statement-breakpoint
ALTER TABLE `page_settings` ADD `notify_component_changes` integer DEFAULT false NOT NULL;