-- practice_supervision_trend: one row per period ($grain: 'month' or 'quarter'), service area
-- (plus 'All areas in view') and measure ('Supervision': supervision_grade; 'Management oversight':
-- the oversight_grade quality marker). Only activities where the measure was graded count.
-- Columns: period (date), service_area, measure, graded, good_or_better, pct (0-100).
-- Parameters: the filtered_audits arguments and $grain.
with in_view as (
    select date_trunc($grain, audit_date)::date as period, service_area, supervision_grade, oversight_grade
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
),
measured as (
    select period, service_area, 'Supervision' as measure, supervision_grade as grade
    from in_view
    where supervision_grade is not null
    union all
    select period, service_area, 'Management oversight' as measure, oversight_grade as grade
    from in_view
    where oversight_grade is not null
),
per_area as (
    select period, service_area, measure, count(*) as graded,
           count(*) filter (where grade in ('Outstanding', 'Good')) as good_or_better
    from measured
    group by period, service_area, measure
),
all_areas as (
    select period, 'All areas in view' as service_area, measure, count(*) as graded,
           count(*) filter (where grade in ('Outstanding', 'Good')) as good_or_better
    from measured
    group by period, measure
)
select t.period, t.service_area, t.measure, t.graded, t.good_or_better,
       100.0 * t.good_or_better / t.graded as pct
from (select * from per_area union all select * from all_areas) as t
left join service_areas as s using (service_area)
order by t.measure desc, t.period, coalesce(s.sort_order, 0);
