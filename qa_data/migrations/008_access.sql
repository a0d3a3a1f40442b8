-- Schema version 8: access (issue 6): local and single-sign-on users with their roles and service
-- areas, and the audit trail of sign-ins, uploads, exports and user changes. Written and read with
-- qa_data/accounts.py and qa_data/audit_trail.py; what each role may do is qa_data/roles.py.

-- One row per person who may sign in. A user with no role may do nothing and sees no data.
create table if not exists users (
    username        varchar   not null primary key check (username = lower(username)),  -- SSO: the e-mail
    display_name    varchar   not null,
    roles           varchar[] not null,           -- ad, hos, qal, analyst, admin (qa_data.roles.ROLES)
    service_areas   varchar[] not null,           -- own areas (hos, qal); ad and analyst see all anyway
    password_hash   varchar,                      -- argon2id (PHC string); null: single sign-on only
    active          boolean   not null,
    created_at      timestamp not null,
    created_by      varchar   not null,
    updated_at      timestamp not null,
    updated_by      varchar   not null,
    failed_attempts integer   not null default 0, -- failed local sign-ins since the last success or lock
    locked_until    timestamp                     -- local sign-in refused until then
);

-- Append-only record of who did what, written in the same transaction as the change it records.
-- Each entry's hash is sha256(prev_hash + canonical JSON of the entry), so an edited, deleted,
-- inserted or reordered entry breaks the chain (qa_data.audit_trail.verify). DuckDB cannot forbid
-- UPDATE or DELETE on a table: the chain makes them detectable, it does not prevent them.
-- Never child data: no child ids or names in target or detail (file names and counts are fine).
create table if not exists audit_trail (
    seq         bigint    not null primary key,  -- 1, 2, 3, ... without gaps
    occurred_at timestamp not null,              -- when ("at" is a reserved word in DuckDB)
    actor       varchar   not null,              -- username (or the command line's operator)
    action      varchar   not null,              -- qa_data.audit_trail.ACTIONS
    target      varchar,                         -- file name, report, username
    rows        integer,                         -- rows loaded, exported, replaced
    detail      json      not null,              -- flat JSON object, canonical text
    prev_hash   varchar   not null,              -- the previous entry's hash (64 zeros for the first)
    hash        varchar   not null
);
