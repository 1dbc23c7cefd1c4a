-- Q1, the roster: 20 courses, each with its teacher and 50 enrollments.
package.path = "wrk/?.lua;" .. package.path
require("graphql").post("queries/q1.graphql")
