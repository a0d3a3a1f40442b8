-- practice_observation_trend: one row per period ($grain: 'month' or 'quarter') and observation
-- setting among practice observations in view.
-- Columns: period (date), setting, observations, good_or_better, pct (0-100).
-- Parameters: the filtered_audits arguments ($activity_types is ['observation']) and $grain.
with observations as (
    select date_trunc($grain, audit_date)::date as period,
           coalesce(observation_setting, 'Not recorded') as setting,
           good_or_better
    from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes)
)
select period, setting, count(*) as observations,
       count(*) filter (where good_or_better) as good_or_better,
       100.0 * count(*) filter (where good_or_better) / count(*) as pct
from observations
group by period, setting
order by period, setting;
