-- 005_voice: voice of children and families (DOMAIN.md): survey answers, free-text comments,
-- complaints and compliments. A survey file's rows are keyed by `survey` (replaced as a whole on a
-- re-upload); a complaints file replaces the complaints and compliments of the months it covers.

-- One row per response and scored question. `score` is normalised to 0..1 (1 most positive):
-- Likert (strongly disagree=0 .. strongly agree=1), a 1-5 score ((n-1)/4), yes=1 / no=0.
-- `positive`: agree or strongly agree, 4 or 5, or yes. Neutral (3) is not positive.
create table survey_answers (
    survey          varchar not null,
    response_id     varchar not null,
    respondent_type varchar not null,
    service_area    varchar not null,
    response_date   date not null,
    question        varchar not null,
    answer          varchar not null,
    score           double not null,
    positive        boolean not null,
    source_row      integer,
    load_id         varchar not null,
    primary key (survey, response_id, question)
);

-- Free-text answers, kept apart: they may name children or staff, and only some viewers read them.
create table survey_comments (
    survey          varchar not null,
    response_id     varchar not null,
    respondent_type varchar not null,
    service_area    varchar not null,
    response_date   date not null,
    question        varchar not null,
    comment         varchar not null,
    source_row      integer,
    load_id         varchar not null,
    primary key (survey, response_id, question)
);

create table complaints (
    reference     varchar,
    record_type   varchar not null check (record_type in ('complaint', 'compliment')),
    received_date date not null,
    service_area  varchar not null,
    category      varchar,
    stage         varchar check (stage in ('1', '2', '3', 'ombudsman')),
    upheld        boolean,  -- partially upheld counts as upheld (as the LGSCO reports); null: no outcome yet
    source_row    integer,
    load_id       varchar not null
);
