-- lfmaint's cleanup audit: one row per step a cleanup run executed (lfmaint creates it if missing).
CREATE TABLE IF NOT EXISTS lfmaint_audit (
    id bigserial PRIMARY KEY,
    run_id text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    table_name text NOT NULL,
    action text NOT NULL,
    statement text NOT NULL,
    freed_bytes bigint,
    usage_before double precision,
    usage_after double precision,
    outcome text NOT NULL,
    reason text
);
