DROP INDEX `deliveries_due_idx`;--> statement-breakpoint
DROP INDEX `deliveries_lease_idx`;--> statement-breakpoint
CREATE INDEX `deliveries_trouble_idx` ON `deliveries` (`state`,`id`) WHERE state in ('retrying', 'dead');--> statement-breakpoint
CREATE INDEX `deliveries_lease_idx` ON `deliveries` (`lease_until`) WHERE state = 'sending';