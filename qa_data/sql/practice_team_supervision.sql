-- practice_team_supervision: one row per team with supervision graded in view, the teams whose
-- supervision is less than good (Requires improvement or Inadequate) most often first.
-- Columns: service_area, team, graded (audits with supervision graded), less_than_good,
-- less_than_good_pct, supervision_pct (% good or better), oversight_graded, oversight_pct.
-- Parameters: the filtered_audits arguments.
with in_view as (
    select service_area, team, supervision_grade, oversight_grade
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
    where team is not null
),
per_team as (
    select service_area, team,
           count(supervision_grade) as graded,
           count(*) filter (where supervision_grade not in ('Outstanding', 'Good')) as less_than_good,
           count(*) filter (where supervision_grade in ('Outstanding', 'Good')) as supervision_good,
           count(oversight_grade) as oversight_graded,
           count(*) filter (where oversight_grade in ('Outstanding', 'Good')) as oversight_good
    from in_view
    group by service_area, team
)
select service_area, team, graded, less_than_good,
       100.0 * less_than_good / graded as less_than_good_pct,
       100.0 * supervision_good / graded as supervision_pct,
       oversight_graded,
       100.0 * oversight_good / nullif(oversight_graded, 0) as oversight_pct
from per_team
where graded > 0
order by less_than_good desc, less_than_good_pct desc, team;
