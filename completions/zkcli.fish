# fish completion for zkcli
#
# Install: copy this file to ~/.config/fish/completions/zkcli.fish (or to the vendor completions
# directory, e.g. /usr/share/fish/vendor_completions.d/).
#
# zkcli's own options and the command name are completed from the lists below. Everything after the
# command (its flags, znode paths, command names for `help`) comes from `zkcli --complete LINE`, which
# prints one candidate per line for the last word of LINE and connects to the server only when a path
# is being completed. The -server, -timeout, -r, --auth, --sasl and TLS options already on the command line are
# passed on, so paths come from the same ensemble the command will run against.

# Index (in `commandline -opc`) of the command word, or nothing while still in zkcli's options.
function __zkcli_command_index
    set -l tokens (commandline -opc)
    set -l i 2
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case -server --server -timeout --timeout --auth -auth -f --file --sasl --cert --key --ca -client-configuration --client-configuration
                set i (math $i + 2)
            case --
                set i (math $i + 1)
                if test $i -le (count $tokens)
                    echo $i
                end
                return
            case '-?*'
                set i (math $i + 1)
            case '*'
                echo $i
                return
        end
    end
end

function __zkcli_needs_command
    set -l index (__zkcli_command_index)
    test -z "$index"
end

# True when the command is $argv[1] and the word before the cursor is one of $argv[2..].
function __zkcli_command_flag
    set -l index (__zkcli_command_index)
    test -n "$index"; or return 1
    set -l tokens (commandline -opc)
    test "$tokens[$index]" = $argv[1]; or return 1
    test (count $tokens) -gt $index; or return 1
    contains -- $tokens[-1] $argv[2..-1]
end

# True when the word before the cursor is a command flag that names a local file.
function __zkcli_file_flag
    __zkcli_command_flag create -f; or __zkcli_command_flag set -f; or __zkcli_command_flag import -f
    or __zkcli_command_flag get -o; or __zkcli_command_flag export -o; or __zkcli_command_flag reconfig -file
end

# Candidates from `zkcli --complete`: the words from the command on, then the word being completed.
function __zkcli_delegate
    set -l index (__zkcli_command_index)
    test -n "$index"; or return
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l pass
    set -l i 2
    while test $i -lt $index
        switch $tokens[$i]
            case -server --server -timeout --timeout --auth -auth
                set -a pass $tokens[$i] $tokens[(math $i + 1)]
                set i (math $i + 2)
            case -r --read-only
                set -a pass $tokens[$i]
                set i (math $i + 1)
            case -f --file
                set i (math $i + 2)
            case '*'
                set i (math $i + 1)
        end
    end
    set -l words (string escape -- $tokens[$index..-1])
    set -l line (string join ' ' -- $words $current)
    set -l exe $tokens[1]
    if not command -s $exe >/dev/null 2>&1
        set exe zkcli
    end
    command $exe $pass --complete $line 2>/dev/null; or return 0
end

complete -c zkcli -f

# zkcli's options (only before the command)
complete -c zkcli -n __zkcli_needs_command -o server -x -d 'Servers as host:port,... with an optional /chroot'
complete -c zkcli -n __zkcli_needs_command -l server -x -d 'Servers as host:port,... with an optional /chroot'
complete -c zkcli -n __zkcli_needs_command -o timeout -x -d 'Session timeout in milliseconds (default 10000)'
complete -c zkcli -n __zkcli_needs_command -l timeout -x -d 'Session timeout in milliseconds (default 10000)'
complete -c zkcli -n __zkcli_needs_command -s r -l read-only -d 'Accept a read-only server'
complete -c zkcli -n __zkcli_needs_command -l auth -x -d 'Add an identity after connecting (scheme:credential)'
complete -c zkcli -n __zkcli_needs_command -o waitforconnection -d 'Accepted for zkCli.sh compatibility'
complete -c zkcli -n __zkcli_needs_command -l json -d 'One JSON document per command'
complete -c zkcli -n __zkcli_needs_command -l wide -d 'Do not cut tables to 80 columns'
complete -c zkcli -n __zkcli_needs_command -s e -l stop-on-error -d 'Stop a script at its first failing command'
complete -c zkcli -n __zkcli_needs_command -s f -l file -r -F -d 'Run the commands in a file, one per line'
complete -c zkcli -n __zkcli_needs_command -s v -l verbose -d 'Report connection progress on stderr'
complete -c zkcli -n __zkcli_needs_command -s h -l help -d 'Show the usage'
complete -c zkcli -n __zkcli_needs_command -l version -d 'Print the version'

# the command name
complete -c zkcli -n __zkcli_needs_command -a addauth -d 'Add an authentication identity to the session'
complete -c zkcli -n __zkcli_needs_command -a addWatch -d 'Add a persistent (recursive) watch'
complete -c zkcli -n __zkcli_needs_command -a close -d 'Close the session'
complete -c zkcli -n __zkcli_needs_command -a config -d 'Print the ensemble configuration'
complete -c zkcli -n __zkcli_needs_command -a connect -d 'Connect to another server list'
complete -c zkcli -n __zkcli_needs_command -a create -d 'Create a node'
complete -c zkcli -n __zkcli_needs_command -a delete -d 'Delete a node without children'
complete -c zkcli -n __zkcli_needs_command -a deleteall -d 'Delete a node and everything below it'
complete -c zkcli -n __zkcli_needs_command -a delquota -d 'Remove a quota'
complete -c zkcli -n __zkcli_needs_command -a get -d "Print a node's data"
complete -c zkcli -n __zkcli_needs_command -a getAcl -d "Print a node's ACL"
complete -c zkcli -n __zkcli_needs_command -a getAllChildrenNumber -d 'Count all nodes below a path'
complete -c zkcli -n __zkcli_needs_command -a getEphemerals -d "List this session's ephemeral nodes"
complete -c zkcli -n __zkcli_needs_command -a help -d 'List the commands, or describe one'
complete -c zkcli -n __zkcli_needs_command -a history -d 'List the last commands with their numbers'
complete -c zkcli -n __zkcli_needs_command -a listquota -d 'Print the quota of a path'
complete -c zkcli -n __zkcli_needs_command -a ls -d "List a node's children"
complete -c zkcli -n __zkcli_needs_command -a printwatches -d 'Turn the printing of watch events on or off'
complete -c zkcli -n __zkcli_needs_command -a quit -d 'Leave the shell'
complete -c zkcli -n __zkcli_needs_command -a exit -d 'Leave the shell'
complete -c zkcli -n __zkcli_needs_command -a reconfig -d 'Change the ensemble membership'
complete -c zkcli -n __zkcli_needs_command -a redo -d 'Run a command from the history again'
complete -c zkcli -n __zkcli_needs_command -a removewatches -d 'Remove the watches on a path'
complete -c zkcli -n __zkcli_needs_command -a set -d "Replace a node's data"
complete -c zkcli -n __zkcli_needs_command -a setAcl -d "Replace a node's ACL"
complete -c zkcli -n __zkcli_needs_command -a setquota -d 'Set a quota on a path'
complete -c zkcli -n __zkcli_needs_command -a stat -d "Print a node's stat"
complete -c zkcli -n __zkcli_needs_command -a sync -d 'Wait until the server has caught up with the leader'
complete -c zkcli -n __zkcli_needs_command -a version -d "Print the shell's version"
complete -c zkcli -n __zkcli_needs_command -a whoami -d "List the session's authenticated identities"
complete -c zkcli -n __zkcli_needs_command -a cd -d 'Change the current directory'
complete -c zkcli -n __zkcli_needs_command -a pwd -d 'Print the current directory'
complete -c zkcli -n __zkcli_needs_command -a tree -d 'Print a subtree'
complete -c zkcli -n __zkcli_needs_command -a find -d 'List the paths of a subtree, filtered'
complete -c zkcli -n __zkcli_needs_command -a grep -d 'Search the data of a subtree'
complete -c zkcli -n __zkcli_needs_command -a watch -d 'Stream the events of a node or subtree'
complete -c zkcli -n __zkcli_needs_command -a unwatch -d 'Stop streaming events'
complete -c zkcli -n __zkcli_needs_command -a cp -d 'Copy a subtree with its data and ACLs'
complete -c zkcli -n __zkcli_needs_command -a mv -d 'Move a subtree with its data and ACLs'
complete -c zkcli -n __zkcli_needs_command -a export -d 'Print a subtree as JSON'
complete -c zkcli -n __zkcli_needs_command -a import -d 'Create nodes from an export'
complete -c zkcli -n __zkcli_needs_command -a edit -d "Edit a node's data in \$EDITOR"
complete -c zkcli -n __zkcli_needs_command -a diff -d 'Compare two subtrees'
complete -c zkcli -n __zkcli_needs_command -a du -d 'Data bytes and node counts of each subtree'
complete -c zkcli -n __zkcli_needs_command -a 4lw -d 'Send a four-letter word'
complete -c zkcli -n __zkcli_needs_command -a ruok -d 'Four-letter word: is the server running'
complete -c zkcli -n __zkcli_needs_command -a srvr -d 'Four-letter word: server summary'
complete -c zkcli -n __zkcli_needs_command -a mntr -d 'Four-letter word: monitoring values'
complete -c zkcli -n __zkcli_needs_command -a conf -d 'Four-letter word: server configuration'
complete -c zkcli -n __zkcli_needs_command -a cons -d 'Four-letter word: connections'
complete -c zkcli -n __zkcli_needs_command -a envi -d 'Four-letter word: server environment'
complete -c zkcli -n __zkcli_needs_command -a wchs -d 'Four-letter word: watch summary'
complete -c zkcli -n __zkcli_needs_command -a wchc -d 'Four-letter word: watches by session'
complete -c zkcli -n __zkcli_needs_command -a wchp -d 'Four-letter word: watches by path'
complete -c zkcli -n __zkcli_needs_command -a dump -d 'Four-letter word: sessions and ephemeral nodes'
complete -c zkcli -n __zkcli_needs_command -a isro -d 'Four-letter word: read-only or read-write'
complete -c zkcli -n __zkcli_needs_command -a dirs -d 'Four-letter word: data directory sizes'
complete -c zkcli -n __zkcli_needs_command -a crst -d 'Four-letter word: reset connection statistics'
complete -c zkcli -n __zkcli_needs_command -a srst -d 'Four-letter word: reset server statistics'
complete -c zkcli -n __zkcli_needs_command -a gtmk -d 'Four-letter word: print the trace mask'
complete -c zkcli -n __zkcli_needs_command -a stmk -d 'Four-letter word: set the trace mask'
complete -c zkcli -n __zkcli_needs_command -a ensemble -d 'The state of every member of the ensemble'
complete -c zkcli -n __zkcli_needs_command -a top -d 'The ensemble view, refreshed until Ctrl-C'

# after the command: local files for the flags that name one, everything else from zkcli itself
complete -c zkcli -n __zkcli_file_flag -F
complete -c zkcli -n 'not __zkcli_needs_command; and not __zkcli_file_flag' -a '(__zkcli_delegate)'
