-- The record of payments goes; bookings keep their payment status.
drop table payment_events;
