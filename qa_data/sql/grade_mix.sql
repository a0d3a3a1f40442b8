-- grade_mix: one row per service area and final grade present. Columns: service_area, grade,
-- grade_rank (1 = Outstanding), n, pct (of the area's activities, 0-100).
with base as (
    select service_area, final_grade
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
)
select b.service_area, b.final_grade as grade, g.grade_rank, count(*) as n,
       100.0 * count(*) / sum(count(*)) over (partition by b.service_area) as pct
from base as b
join grades as g on g.grade = b.final_grade
join service_areas as s on s.service_area = b.service_area
group by b.service_area, b.final_grade, g.grade_rank, s.sort_order
order by s.sort_order, g.grade_rank;
