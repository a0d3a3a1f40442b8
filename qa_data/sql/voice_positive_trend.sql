-- voice_positive_trend: one row per survey and period ($grain: 'month' or 'quarter'), over every
-- scored question. Columns: survey, period (date), n (answers), pct_positive (0-100), low_n.
-- Parameters: $areas, $start, $end, $types (empty: all), $grain, $min_n.
with answers_in_view as (
    select survey, date_trunc($grain, response_date)::date as period, positive
    from survey_answers
    where service_area in (select unnest($areas))
      and response_date between $start and $end
      and (len($types) = 0 or respondent_type in (select unnest($types)))
)
select survey, period, count(*) as n,
       round(100.0 * count(*) filter (where positive) / count(*), 1) as pct_positive,
       count(*) < $min_n as low_n
from answers_in_view
group by survey, period
order by survey, period;
