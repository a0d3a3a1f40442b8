-- export_survey_responses: one row per survey with answers in [$start, $end] in $areas. Columns:
-- survey, responses (distinct responses), answers (scored answers), positive, first_date, last_date.
-- Parameters: $areas (service areas in scope), $start, $end (dates, inclusive).
select survey,
       count(distinct response_id) as responses,
       count(*) as answers,
       count(*) filter (where positive) as positive,
       min(response_date) as first_date,
       max(response_date) as last_date
from survey_answers
where list_contains($areas, service_area)
  and response_date between $start and $end
group by survey
order by survey;
