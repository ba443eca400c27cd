-- Idempotency keys: a POST repeated with the same Idempotency-Key gets the first response again,
-- and changes nothing the second time. Written in the same transaction as the change it answers.

CREATE TABLE idempotency_keys (
  -- Keys are per principal: two clients may use the same key without seeing each other's answer.
  principal_id        uuid NOT NULL REFERENCES principals(id),
  -- SHA-256 of the client's key: the key itself is what decrypts a secret response.
  key_hash            bytea NOT NULL CHECK (length(key_hash) = 32),
  -- Hash of the first request: the same key with another request is refused (422), not replayed.
  request_hash        bytea NOT NULL,
  status_code         integer NOT NULL,
  -- text, not jsonb: a replay returns the first response byte for byte (jsonb reorders keys)
  response_body       text,
  -- A response holding a secret (an API key) is stored encrypted with the client's key
  -- (src/idempotency/response-sealing.ts).
  response_encrypted  boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal_id, key_hash)
);

-- Expired keys are swept (IdempotencyRetentionService): the one table the app role may delete from.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'aid_escrow_app') THEN
    GRANT DELETE ON idempotency_keys TO aid_escrow_app;
  END IF;
END $$;
