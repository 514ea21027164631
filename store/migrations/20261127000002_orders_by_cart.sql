-- Placing an order cancels the cart's earlier unpaid orders, and the cart sweep skips carts an unpaid order
-- still points at: both look orders up by cart. Without this index each was a scan of every order.
CREATE INDEX orders_pending_cart_idx ON orders (cart_id) WHERE status = 'pending_payment';
