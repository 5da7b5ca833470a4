-- Accounts, sign-in state and the audit log: a database file of its own (`store.access_db`), apart from the
-- survey versions, so restoring a survey version never rolls back accounts or the audit log.
CREATE TABLE IF NOT EXISTS account (
    username        VARCHAR PRIMARY KEY,     -- lower case; an e-mail address for identity-provider accounts
    role            VARCHAR NOT NULL CHECK (role IN ('officer', 'admin')),
    password_hash   VARCHAR,                 -- argon2id (NULL: signs in through the identity provider only)
    display_name    VARCHAR,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL,
    created_by      VARCHAR NOT NULL,
    password_set_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS account_province (
    username    VARCHAR NOT NULL,
    province_id VARCHAR NOT NULL,            -- 'P63-xx' or 'P34-xx'
    granted_at  TIMESTAMP NOT NULL,
    granted_by  VARCHAR NOT NULL,
    PRIMARY KEY (username, province_id)
);
-- failed sign-ins per name typed (known or not, so a lock-out does not tell whether an account exists)
CREATE TABLE IF NOT EXISTS signin_state (
    username       VARCHAR PRIMARY KEY,
    failed_count   INTEGER NOT NULL,
    last_failed_at TIMESTAMP,
    locked_until   TIMESTAMP
);
-- append-only: the application has no statement that updates or deletes a row; each row's hash covers the
-- previous row's hash, so an edit made outside the application breaks the chain (`access.audit.verify`)
CREATE TABLE IF NOT EXISTS audit_log (
    id        BIGINT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,          -- UTC
    actor     VARCHAR NOT NULL,
    role      VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,
    unit_id   VARCHAR,
    year      INTEGER,
    detail    VARCHAR,
    outcome   VARCHAR NOT NULL,
    prev_hash VARCHAR NOT NULL,
    hash      VARCHAR NOT NULL
);
