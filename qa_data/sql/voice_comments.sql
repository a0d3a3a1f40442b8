-- voice_comments: one row per free-text answer, newest first. Columns: response_date, survey,
-- service_area, respondent_type, question, comment.
-- Parameters: $areas, $start, $end, $types (empty: all).
select response_date, survey, service_area, respondent_type, question, comment
from survey_comments
where service_area in (select unnest($areas))
  and response_date between $start and $end
  and (len($types) = 0 or respondent_type in (select unnest($types)))
order by response_date desc, survey, response_id, question;
