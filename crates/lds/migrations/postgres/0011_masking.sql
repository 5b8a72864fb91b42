-- Masking: how much of a customer's name, phone and e-mail agents may read ('none', 'partial',
-- 'full'), for a whole team and per queue; the stricter of the two applies. Nothing is hidden
-- in an existing team or queue.
ALTER TABLE teams ADD COLUMN mask_name TEXT NOT NULL DEFAULT 'none';
ALTER TABLE teams ADD COLUMN mask_phone TEXT NOT NULL DEFAULT 'none';
ALTER TABLE teams ADD COLUMN mask_email TEXT NOT NULL DEFAULT 'none';
ALTER TABLE queues ADD COLUMN mask_name TEXT NOT NULL DEFAULT 'none';
ALTER TABLE queues ADD COLUMN mask_phone TEXT NOT NULL DEFAULT 'none';
ALTER TABLE queues ADD COLUMN mask_email TEXT NOT NULL DEFAULT 'none';
