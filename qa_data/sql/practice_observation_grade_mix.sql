-- practice_observation_grade_mix: one row per observation setting and final grade present among
-- practice observations in view. Columns: setting, grade, grade_rank (1 = Outstanding), n,
-- pct (of the setting's observations, 0-100).
-- Parameters: the filtered_audits arguments ($activity_types is ['observation']).
with observations as (
    select coalesce(observation_setting, 'Not recorded') as setting, final_grade
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
)
select o.setting, o.final_grade as grade, g.grade_rank, count(*) as n,
       100.0 * count(*) / sum(count(*)) over (partition by o.setting) as pct
from observations as o
join grades as g on g.grade = o.final_grade
group by o.setting, o.final_grade, g.grade_rank
order by o.setting, g.grade_rank;
