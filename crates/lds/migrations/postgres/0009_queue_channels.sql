-- What a queue takes: voice (calls: every request kind so far), chat, or both ("voice,chat").
-- Every existing queue takes calls, as it did.
ALTER TABLE queues ADD COLUMN channels TEXT NOT NULL DEFAULT 'voice';
