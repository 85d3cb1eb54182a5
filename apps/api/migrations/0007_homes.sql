CREATE TABLE "favourite_businesses" (
	"user_id" uuid NOT NULL,
	"business_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "favourite_businesses_user_id_business_id_pk" PRIMARY KEY("user_id","business_id")
);
--> statement-breakpoint
ALTER TABLE "businesses" DROP CONSTRAINT "businesses_booking_settings_check";--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN "start_window_minutes" integer DEFAULT 120 NOT NULL;--> statement-breakpoint
ALTER TABLE "favourite_businesses" ADD CONSTRAINT "favourite_businesses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "favourite_businesses" ADD CONSTRAINT "favourite_businesses_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "favourite_businesses_business_idx" ON "favourite_businesses" USING btree ("business_id");--> statement-breakpoint
ALTER TABLE "businesses" ADD CONSTRAINT "businesses_booking_settings_check" CHECK ("businesses"."travel_buffer_minutes" between 0 and 240 and "businesses"."daily_capacity" between 0 and 1000 and "businesses"."booking_expiry_hours" between 1 and 168 and "businesses"."start_window_minutes" between 0 and 1440);