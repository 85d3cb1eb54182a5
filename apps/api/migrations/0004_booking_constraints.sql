-- A worker is never booked twice: no two active bookings of one worker may overlap, counting the
-- travel buffer after each job (blocked_until). Not expressible in the Drizzle schema.
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_worker_no_overlap"
  EXCLUDE USING gist ("worker_id" WITH =, tstzrange("starts_at", "blocked_until", '[)') WITH &&)
  WHERE ("worker_id" IS NOT NULL AND "status" IN ('pending', 'confirmed', 'in_progress'));
