// Package sql parses the CloudTrail Lake (Trino) SQL dialect. It wraps
// github.com/xwb1989/sqlparser with its own layer for what that MySQL grammar
// cannot express, and reports every error against the user's text as line:col.
//
// sql imports no other ctlake package.
package sql

import _ "github.com/xwb1989/sqlparser" // pinned until the parser layer imports it
