-- Q3, one course by code with its teacher's name. It sends no access
-- token, because the catalogue is public.
package.path = "wrk/?.lua;" .. package.path
require("graphql").post("queries/q3.graphql")
