-- area_summary: one row per service area in view (all in scope, even with no activity).
-- Columns: service_area, activities, pct, supervision_pct, latest_quarter_pct,
-- previous_quarter_pct, trend (list of monthly % good or better, oldest first).
-- Parameters: the filtered_audits set, $q_start/$q_end (latest quarter), $p_start (previous).
with base as (
    select audit_id, audit_date, service_area, good_or_better, supervision_grade
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
),
supervision as (
    select service_area, supervision_grade in ('Outstanding', 'Good') as good_or_better
    from base
    where supervision_grade is not null
),
monthly as (
    select service_area, date_trunc('month', audit_date) as month,
           100.0 * avg(good_or_better::int) as pct
    from base
    group by service_area, month
),
totals as (
    select service_area, count(*) as activities, 100.0 * avg(good_or_better::int) as pct,
           100.0 * avg(good_or_better::int) filter (where audit_date between $q_start and $q_end)
               as latest_quarter_pct,
           100.0 * avg(good_or_better::int) filter (where audit_date >= $p_start and audit_date < $q_start)
               as previous_quarter_pct
    from base
    group by service_area
)
select a.service_area,
       coalesce(t.activities, 0) as activities,
       t.pct,
       (select 100.0 * avg(good_or_better::int) from supervision as s
         where s.service_area = a.service_area) as supervision_pct,
       t.latest_quarter_pct,
       t.previous_quarter_pct,
       (select list(m.pct order by m.month) from monthly as m
         where m.service_area = a.service_area) as trend
from service_areas as a
left join totals as t using (service_area)
where a.service_area in (select unnest($areas))
order by a.sort_order;
