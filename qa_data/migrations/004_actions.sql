-- Schema version 4: action plans (the framework's post-quality activity, section 8).
-- Written by loaders/actions.py; read with qa_data/actions.py.
--
-- Grain: action_snapshots has one row per snapshot date (one monthly tracker upload); actions has one
-- row per snapshot date and action id. Every upload is kept, so progress over time is history as
-- recorded, not a recomputation. Re-uploading a snapshot date replaces that snapshot.
create table if not exists action_snapshots (
    snapshot_date date    not null primary key,
    load_id       varchar not null,
    file_name     varchar not null,
    actions       integer not null
);

create table if not exists actions (
    snapshot_date  date    not null,
    action_id      varchar not null,
    source         varchar not null,   -- an audit id or a thematic review name, as typed
    audit_id       varchar,            -- the source when it is an audits.audit_id at load time
    service_area   varchar not null,   -- canonical (qa_data.vocab.SERVICE_AREAS)
    owner          varchar,
    raised_date    date    not null,
    due_date       date    not null,
    status         varchar not null,   -- Not started, In progress, Completed, Overdue
    completed_date date,
    latest_update  varchar,
    load_id        varchar not null,
    source_sheet   varchar,
    source_row     integer,
    primary key (snapshot_date, action_id)
);
