CREATE TABLE "syslog_cursor" (
	"id" integer PRIMARY KEY NOT NULL,
	"forwarded_seq" bigint NOT NULL,
	"forwarded_at" timestamp with time zone NOT NULL
);
