SELECT _file, count(*) FROM {{table}} GROUP BY _file
