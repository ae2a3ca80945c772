;;; eglot_e2e.el --- headless Emacs 28 + eglot 1.9 (Debian's elpa-eglot) as a client of `looplint server'
;;
;; emacs --batch -Q -l tests/nvim/eglot_e2e.el
;; Environment: LOOPLINT_COMMAND (the server command, space-separated), LOOPLINT_FILE (the file to open).
;; Prints "diagnostic:", "hover:", "actions:", "after:" lines and the fixed file for the test to check.

;; Debian installs elpa-eglot (and the newer project.el/xref it needs) outside -Q's load-path.
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(require 'eglot)
(require 'python)
(require 'flymake)

;; The configuration docs/editors.md gives (with the command from the environment).
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               `(python-mode . ,(split-string (getenv "LOOPLINT_COMMAND")))))
;; Settings, answered to workspace/configuration. eglot 1.9 does not say who it is (no clientInfo):
;; ElDoc shows Flymake's message beside the hover, so the hover need not repeat it.
(setq-default eglot-workspace-configuration
              '(:looplint (:unsafeFixes :json-false :hover (:includeMessage :json-false))))

(defun looplint-wait (predicate seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(find-file (getenv "LOOPLINT_FILE"))
(python-mode)
;; `eglot-ensure' waits for the command loop, which batch mode never runs: start it directly.
(apply #'eglot (eglot--guess-contact))
(flymake-start)
(unless (looplint-wait #'flymake-diagnostics 30)
  (princ "error: no diagnostics\n")
  (kill-emacs 1))
(dolist (d (flymake-diagnostics))
  (princ (format "diagnostic: %d: %s\n" (line-number-at-pos (flymake-diagnostic-beg d)) (flymake-diagnostic-text d))))
(let* ((d (car (flymake-diagnostics)))
       (server (eglot-current-server)))
  (goto-char (flymake-diagnostic-beg d))
  (let ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams))))
    (princ (format "hover: %s\n" (replace-regexp-in-string "\n" " " (plist-get (plist-get hover :contents) :value)))))
  ;; What `eglot-code-actions' sends, without its interactive menu.
  (let* ((actions (jsonrpc-request
                   server :textDocument/codeAction
                   (list :textDocument (eglot--TextDocumentIdentifier)
                         :range (list :start (eglot--pos-to-lsp-position (flymake-diagnostic-beg d))
                                      :end (eglot--pos-to-lsp-position (flymake-diagnostic-end d)))
                         :context (list :diagnostics
                                        (vector (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d)))))))
         (fix (aref actions 0)))
    (princ (format "actions: %s\n" (mapconcat (lambda (a) (plist-get a :title)) actions " | ")))
    (unless (plist-get fix :edit)
      (setq fix (jsonrpc-request server :codeAction/resolve fix)))
    (eglot--apply-workspace-edit (plist-get fix :edit))
    (save-buffer)))
(looplint-wait (lambda () (null (flymake-diagnostics))) 30)
(princ (format "after: %d\n" (length (flymake-diagnostics))))
(kill-emacs 0)
