-- grade_trend: one row per period ($grain: 'month' or 'quarter') and service area, plus an
-- 'All areas in view' row per period. Columns: period (date), service_area, activities,
-- good_or_better, pct (0-100).
with base as (
    select date_trunc($grain, audit_date)::date as period, service_area, good_or_better
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
),
per_area as (
    select period, service_area, count(*) as activities,
           count(*) filter (where good_or_better) as good_or_better
    from base
    group by period, service_area
),
all_areas as (
    select period, 'All areas in view' as service_area, count(*) as activities,
           count(*) filter (where good_or_better) as good_or_better
    from base
    group by period
)
select t.period, t.service_area, t.activities, t.good_or_better,
       100.0 * t.good_or_better / t.activities as pct
from (select * from per_area union all select * from all_areas) as t
left join service_areas as s using (service_area)
order by t.period, coalesce(s.sort_order, 0);
