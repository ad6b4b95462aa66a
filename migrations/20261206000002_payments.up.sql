-- Payments of service bookings, as the payment provider reports them through its signed
-- webhook (POST /webhooks/payments) or an admin records them (recordPayment); the demo
-- seed records its own. One row per provider event: the unique event id turns a
-- redelivered event into a no-op (`insert ... on conflict do nothing`). A row exists only
-- for an event that paid its booking: a refused event is rolled back with its change.
create table payment_events (
    id                uuid primary key,
    provider_event_id text not null,
    -- Null once the booking is deleted: the record of a payment outlives its booking.
    booking_id        uuid references service_bookings (id) on delete set null,
    amount            numeric(12, 2) not null,
    currency          text not null,
    source            text not null,
    -- The admin who recorded it (source 'admin').
    recorded_by       uuid references users (id) on delete set null,
    -- What was received: the webhook's body exactly as signed, or the admin's input.
    payload           text not null,
    received_at       timestamptz not null default now(),
    constraint payment_events_provider_event_id_key unique (provider_event_id),
    constraint payment_events_provider_event_id_length check (char_length(provider_event_id) between 1 and 255),
    constraint payment_events_amount_positive check (amount > 0),
    constraint payment_events_currency_code check (currency ~ '^[A-Z]{3}$'),
    constraint payment_events_source_check check (source in ('webhook', 'admin', 'seed'))
);
create index payment_events_booking_id_idx on payment_events (booking_id);
