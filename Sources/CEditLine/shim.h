// libedit's readline interface: line editing, history and completion for the shell.
#include <stdio.h>
#include <editline/readline.h>
