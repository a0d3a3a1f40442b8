-- Schema version 6: the audit programme (framework section 4, Appendix B) and the Single Audit Case
-- Reflection Sheet (Appendix C).

-- A re-audit names the audit it follows up (framework section 8: a re-audit checks that change stuck).
alter table audits add column reaudit_of varchar;
-- The worker's reflection on the audit (the reflection sheet; uploads may carry it too).
alter table audits add column worker_reflection varchar;

-- The audit plan: one row per month, service area, activity type and theme, with the number of
-- activities planned. Written by loaders/audit_plan.py; a plan file replaces the rows of the months
-- it covers (a revised plan replaces; a plan for later months adds). Completed activities are
-- counted from `audits` (same month, area, activity type and theme), never stored here.
create table if not exists audit_plan (
    plan_month    date    not null,   -- the first day of the month
    service_area  varchar not null,   -- canonical (qa_data.vocab.SERVICE_AREAS)
    activity_type varchar not null,   -- case_audit, dip_sample, observation
    theme         varchar not null,   -- as typed (white space folded); matched to audits.theme ignoring case
    scope_area    varchar,            -- the framework section 6 scope item the theme tests, when given
    planned       integer not null,
    lead          varchar,
    load_id       varchar not null,
    source_sheet  varchar,
    source_row    integer,
    primary key (plan_month, service_area, activity_type, theme)
);

-- Actions agreed on a reflection sheet (owner and due date), kept with the audit they came from.
-- Tracker uploads (table `actions`) remain the record of progress; these are what was agreed.
create table if not exists audit_agreed_actions (
    audit_id  varchar not null,
    seq       integer not null,       -- 1, 2, ... in the order written on the sheet
    action    varchar not null,
    owner     varchar not null,
    due_date  date    not null,
    load_id   varchar not null,
    primary key (audit_id, seq)
);
