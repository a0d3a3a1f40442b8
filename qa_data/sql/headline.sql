-- headline: one row of Overview tiles. Quarter [$q_start, $q_end], previous quarter [$p_start, $p_end).
-- Columns: activities, graded, good_or_better_pct, previous_pct, supervision_graded,
-- supervision_pct, activities_in_range. Percentages 0-100, null when nothing is graded.
with base as (
    select audit_id, audit_date, good_or_better, supervision_grade
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
),
this_quarter as (
    select * from base where audit_date between $q_start and $q_end
),
previous_quarter as (
    select * from filtered_audits($areas, $p_start, $p_end - 1, $teams, $activity_types, $themes)
),
supervision as (
    select supervision_grade in ('Outstanding', 'Good') as good_or_better
    from this_quarter
    where supervision_grade is not null
)
select
    (select count(*) from this_quarter) as activities,
    (select count(*) from this_quarter) as graded,
    (select 100.0 * avg(good_or_better::int) from this_quarter) as good_or_better_pct,
    (select 100.0 * avg(good_or_better::int) from previous_quarter) as previous_pct,
    (select count(*) from supervision) as supervision_graded,
    (select 100.0 * avg(good_or_better::int) from supervision) as supervision_pct,
    (select count(*) from base) as activities_in_range;
