-- Q3, one course by code with its teacher's name.
package.path = "wrk/?.lua;" .. package.path
require("graphql").post("queries/q3.graphql")
