-- a script .read runs
.mode csv
SELECT id, body
  FROM docs
  ORDER BY id;
.mode table
SELECT 'no semicolon at the end' AS last
