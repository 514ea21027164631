-- Issue 9: the daily sales report finds a day's payments by the time of their order event.
CREATE INDEX order_events_at_idx ON order_events (at);
