-- QA Insight schema, version 1.
-- Stable names an analyst can query or point Power BI at. Child-level and worker-level columns are
-- stored for drill-down and indicators; pages show aggregates unless a role may see more.
-- Later versions are numbered files in qa_data/migrations/ applied by qa_data.db.migrate().

create table if not exists schema_version (
    version     integer   not null primary key,
    applied_at  timestamp not null default current_timestamp,
    description varchar   not null
);

-- Reference vocabularies (seeded from qa_data/vocab.py on every migrate, so they never drift).
create table if not exists service_areas (
    service_area varchar not null primary key,
    sort_order   integer not null,
    covers       varchar not null
);

create table if not exists grades (
    grade          varchar not null primary key,
    grade_rank     integer not null,            -- 1 = Outstanding .. 4 = Inadequate
    good_or_better boolean not null
);

create table if not exists activity_types (
    activity_type varchar not null primary key, -- case_audit, dip_sample, observation
    label         varchar not null
);

create table if not exists domains (
    domain     varchar not null primary key,
    label      varchar not null,
    kind       varchar not null,                -- quality_marker, supervision, other
    sort_order integer not null
);

-- Every upload attempt: accepted, rejected or unchanged (same content as an earlier load).
create table if not exists loads (
    load_id       varchar   not null primary key,
    file_name     varchar   not null,
    sha256        varchar   not null,
    kind          varchar   not null,           -- audits, ...
    loaded_by     varchar   not null,
    loaded_at     timestamp not null,
    sheet         varchar,
    rows_read     integer   not null,
    rows_loaded   integer   not null,
    rows_replaced integer   not null,
    outcome       varchar   not null,           -- loaded, rejected, unchanged
    errors        integer   not null,
    warnings      integer   not null,
    issues_json   varchar                       -- the validation report, JSON
);

-- One row per quality activity (case audit, dip sample, practice observation).
create table if not exists audits (
    audit_id              varchar not null primary key,
    activity_type         varchar not null,
    audit_date            date    not null,
    service_area          varchar not null,
    team                  varchar,
    worker                varchar,
    auditor               varchar,
    theme                 varchar,
    observation_setting   varchar,              -- observations: home visit, supervision, ...
    child_ref             varchar,              -- case systems' child id, if the return has one
    overall_grade         varchar not null,     -- the auditor's grade
    moderated_grade       varchar,              -- the moderator's grade, when moderated
    final_grade           varchar not null,     -- moderated grade when present, else overall
    good_or_better        boolean not null,     -- of final_grade
    worker_notified       boolean,
    feedback_given        boolean,
    feedback_date         date,
    strengths             varchar,
    areas_for_development varchar,
    -- One column per graded domain (qa_data.vocab.DOMAINS); null = not graded in this activity.
    -- Stored wide, one row per audit: a 50,000-audit load writes one table, not 300,000 rows.
    safeguarding_grade                varchar,
    direct_work_grade                 varchar,
    oversight_grade                   varchar,
    supervision_grade                 varchar,
    history_grade                     varchar,
    assessment_grade                  varchar,
    planning_grade                    varchar,
    voice_grade                       varchar,
    risk_grade                        varchar,
    management_oversight_grade        varchar,
    multi_agency_grade                varchar,
    permanence_health_education_grade varchar,
    recording_grade                   varchar,
    impact_grade                      varchar,
    source_sheet          varchar,
    source_row            integer,              -- the row as Excel (or the CSV line) shows it
    load_id               varchar not null
);

-- One row per audit and graded domain (quality markers, supervision, others in the file): the
-- long form of the audits' *_grade columns, for analysts and for queries across domains.
create or replace view audit_grades as
select g.audit_id, g.domain, g.grade, g.grade in ('Outstanding', 'Good') as good_or_better
from (
    unpivot (
        select audit_id,
               safeguarding_grade as safeguarding, direct_work_grade as direct_work,
               oversight_grade as oversight, supervision_grade as supervision,
               history_grade as history, assessment_grade as assessment,
               planning_grade as planning, voice_grade as voice, risk_grade as risk,
               management_oversight_grade as management_oversight,
               multi_agency_grade as multi_agency,
               permanence_health_education_grade as permanence_health_education,
               recording_grade as recording, impact_grade as impact
        from audits
    )
    on safeguarding, direct_work, oversight, supervision, history, assessment, planning, voice,
       risk, management_oversight, multi_agency, permanence_health_education, recording, impact
    into name domain value grade
) as g;

-- Analysts' view: audits with the month and quarter they fall in.
create or replace view audits_by_month as
select
    a.*,
    date_trunc('month', a.audit_date)::date   as audit_month,
    date_trunc('quarter', a.audit_date)::date as audit_quarter
from audits as a;

-- The audits a viewer may see, narrowed by the page filters. Every audit query reads through this,
-- so scope (the service areas a user may see) is applied in one place.
-- areas: list of service areas (scope already intersected with the filter); start_date/end_date:
-- inclusive; teams, activity_types, themes: lists, empty = no filter.
create or replace macro filtered_audits(areas, start_date, end_date, teams, activity_types, themes) as table
select a.*
from audits as a
where a.service_area in (select unnest(areas))
  and a.audit_date between start_date and end_date
  and (len(teams) = 0 or a.team in (select unnest(teams)))
  and (len(activity_types) = 0 or a.activity_type in (select unnest(activity_types)))
  and (len(themes) = 0 or a.theme in (select unnest(themes)));
