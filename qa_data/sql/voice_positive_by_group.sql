-- voice_positive_by_group: one row per survey and service area (respondent_type null) and one per
-- survey and respondent type (service_area null), over every scored question. Columns: survey,
-- service_area, respondent_type, n (answers), pct_positive (0-100), low_n.
-- Parameters: $areas, $start, $end, $types (empty: all), $min_n.
with answers_in_view as (
    select survey, service_area, respondent_type, positive
    from survey_answers
    where service_area in (select unnest($areas))
      and response_date between $start and $end
      and (len($types) = 0 or respondent_type in (select unnest($types)))
)
select survey, service_area, respondent_type, count(*) as n,
       round(100.0 * count(*) filter (where positive) / count(*), 1) as pct_positive,
       count(*) < $min_n as low_n
from answers_in_view
group by grouping sets ((survey, service_area), (survey, respondent_type))
order by survey, service_area nulls last, respondent_type;
