# bash completion for zkcli                                    -*- shell-script -*-
#
# Install: source this file from ~/.bashrc, or copy it to
# /usr/share/bash-completion/completions/zkcli (or ~/.local/share/bash-completion/completions/zkcli).
#
# zkcli's own options and the command name are completed from the lists below. Everything after the
# command (its flags, znode paths, command names for `help`) comes from `zkcli --complete LINE`, which
# prints one candidate per line for the last word of LINE and connects to the server only when a path
# is being completed. The -server, -timeout, -r, --auth, --sasl and TLS options already on the command line are
# passed on, so paths come from the same ensemble the command will run against.

_zkcli_options='-server --server -timeout --timeout -r --read-only --auth --sasl --tls --cert --key --ca --no-hostname-verification -client-configuration -waitforconnection --json --wide -f --file -e --stop-on-error -v --verbose -h --help --version'

_zkcli_commands='addauth addWatch close config connect create delete deleteall delquota get getAcl
getAllChildrenNumber getEphemerals help history listquota ls printwatches quit exit reconfig redo
removewatches set setAcl setquota stat sync version whoami
cd pwd tree find grep watch unwatch cp mv export import edit diff du 4lw
ruok srvr mntr conf cons envi wchs wchc wchp dump isro dirs crst srst gtmk stmk ensemble top'

# Words up to the cursor, with the pieces bash splits off at COMP_WORDBREAKS characters (the ':' of
# host:port, the '=' of a data argument) joined back. Sets _zkcli_words, _zkcli_cur and _zkcli_trim
# (the part of _zkcli_cur that lies before the piece readline will actually replace).
_zkcli_reassemble() {
    _zkcli_words=()
    _zkcli_cur=
    _zkcli_trim=
    if [[ -z ${COMP_LINE+set} ]]; then
        _zkcli_words=("${COMP_WORDS[@]:0:COMP_CWORD}")
        _zkcli_cur=${COMP_WORDS[COMP_CWORD]}
        return
    fi
    local line=${COMP_LINE:0:COMP_POINT} i word current= trimmed started=0
    for ((i = 0; i <= COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        trimmed=${line#"${line%%[![:space:]]*}"}
        if ((started)) && [[ $trimmed != "$line" ]]; then
            _zkcli_words+=("$current")
            current=
        fi
        started=1
        line=$trimmed
        if ((i == COMP_CWORD)); then
            # the cursor word: only what lies before the cursor
            current+=$line
            break
        fi
        current+=$word
        line=${line:${#word}}
    done
    _zkcli_cur=$current
    # readline replaces only the text after the last ':' or '=' it breaks words at
    local breaks=${COMP_WORDBREAKS//[^:=]/}
    if [[ -n $breaks && $current == *[$breaks]* ]]; then
        _zkcli_trim=${current%"${current##*[$breaks]}"}
    fi
}

_zkcli() {
    local _zkcli_words _zkcli_cur _zkcli_trim
    _zkcli_reassemble
    local cur=$_zkcli_cur
    local -a words=("${_zkcli_words[@]}")
    local count=${#words[@]} prev=
    ((count > 0)) && prev=${words[count - 1]}

    # zkcli's options before the command; remember the ones that choose the server
    local -a pass=()
    local i=1 command_index=-1 word
    while ((i < count)); do
        word=${words[i]}
        case $word in
            -server | --server | -timeout | --timeout | --auth | -auth | --sasl | --cert | --key | --ca | -client-configuration | --client-configuration)
                pass+=("$word" "${words[i + 1]}")
                ((i += 2))
                ;;
            -r | --read-only | --tls | --no-hostname-verification)
                pass+=("$word")
                ((i++))
                ;;
            -f | --file)
                ((i += 2))
                ;;
            --)
                command_index=$((i + 1))
                break
                ;;
            -?*)
                ((i++))
                ;;
            *)
                command_index=$i
                break
                ;;
        esac
    done

    COMPREPLY=()
    if ((command_index < 0 || command_index >= count)); then
        # still in the options, or at the command name
        if ((command_index < 0)); then
            case $prev in
                -f | --file | --cert | --key | --ca | -client-configuration | --client-configuration)
                    COMPREPLY=($(compgen -f -- "$cur"))
                    compopt -o filenames 2>/dev/null
                    return 0
                    ;;
                -server | --server | -timeout | --timeout | --auth | -auth | --sasl)
                    return 0
                    ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$_zkcli_options" -- "$cur"))
                return 0
            fi
        fi
        COMPREPLY=($(compgen -W "$_zkcli_commands" -- "$cur"))
        return 0
    fi

    # After the command. Local files for the flags that name one.
    local command=${words[command_index]}
    case $command:$prev in
        create:-f | set:-f | import:-f | get:-o | export:-o | reconfig:-file)
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return 0
            ;;
    esac

    # Everything else comes from zkcli itself; nothing at all if that fails.
    local exe=${COMP_WORDS[0]}
    if ! type -P -- "$exe" >/dev/null 2>&1; then
        exe=zkcli
    fi
    local line="${words[*]:command_index} $cur"
    local output
    output=$(command "$exe" "${pass[@]}" --complete "$line" 2>/dev/null) || return 0
    [[ -n $output ]] || return 0

    # znode paths (absolute, or relative like "app") may go on with '/', so no space after them;
    # flags and the words of help, printwatches and 4lw get one
    local path=1
    [[ $cur == -* ]] && path=0
    case ${command,,} in
        help | printwatches | 4lw) path=0 ;;
    esac
    local candidate
    local IFS=$'\n'
    for candidate in $output; do
        [[ -n $candidate ]] || continue
        # the part before a ':' or '=' that readline treats as a separate word stays in place
        if [[ -n $_zkcli_trim && $candidate == "$_zkcli_trim"* ]]; then
            candidate=${candidate:${#_zkcli_trim}}
        fi
        if [[ $candidate == *[[:space:]\'\"\\\$\`\;\&\|\<\>\(\)\*\?\[\]\!\#\{\}]* ]]; then
            candidate=$(printf '%q' "$candidate")
        fi
        COMPREPLY+=("$candidate")
    done
    ((path)) && compopt -o nospace 2>/dev/null
    return 0
}

complete -F _zkcli zkcli
