package main

import _ "github.com/chzyer/readline" // pinned for the shell (issue 5)
