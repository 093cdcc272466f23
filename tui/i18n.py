"""Every string the interface shows, in Korean and English.

Content (notes, questions, explanations) carries its own `Text` pairs; this module holds the
app's own words. Keys are short English names; `tr` looks one up and fills `{placeholders}`.
A test checks that every key used in `tui/` exists here with both languages and the same
placeholders, so a missing translation fails CI rather than showing a raw key.

Why one file: it is a table. Translators and the tests read every string of the app in one
place, and most of its lines are `key: (ko, en)` pairs, not code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.dom import DOMNode

LANG_NAMES = {"ko": "한국어", "en": "English"}

STRINGS: dict[str, tuple[str, str]] = {
    # app, navigation, footer
    "app_title": ("dlearn", "dlearn"),
    "home": ("홈", "Home"),
    "review": ("복습", "Review"),
    "exam": ("모의고사", "Mock exam"),
    "exam_key": ("모의고사", "Exam"),
    "notes": ("노트", "Notes"),
    "progress": ("진도", "Progress"),
    "exam_date": ("시험일", "Exam date"),
    "back": ("뒤로", "Back"),
    "quit": ("종료", "Quit"),
    "palette": ("명령", "Commands"),
    "palette_placeholder": (
        "어디로 갈까요? (예: 복습, 노트, LSTM)",
        "Where to? (e.g. review, notes, LSTM)",
    ),
    "lang_switch": ("English", "한국어"),
    "lang_switched": ("언어: 한국어", "Language: English"),
    "cmd_home": ("홈 화면으로", "Go to the home screen"),
    "cmd_review": (
        "복습할 문항 풀기 (예정된 것 먼저, 다음은 새 문항)",
        "Review due, then new, questions",
    ),
    "cmd_exam": ("시간 제한이 있는 모의고사 보기", "Take a timed mock exam"),
    "cmd_notes": ("강의 노트, 용어집, 핵심 정리 읽기", "Read the notes, glossary and summary"),
    "cmd_notes_section": ("노트: {title}", "Notes: {title}"),
    "cmd_notes_section_help": ("이 절의 노트 열기", "Open this section's notes"),
    "cmd_progress": ("숙달도, 복습 기록, 지난 모의고사", "Mastery, review history, past exams"),
    "cmd_exam_date": ("시험일 정하기 또는 지우기", "Set or clear the exam date"),
    "cmd_lang": ("언어 바꾸기 (한국어 / English)", "Switch language (한국어 / English)"),
    "cmd_lang_title": ("언어 / Language", "Language / 언어"),
    # home
    "due_new": ("복습 예정 {due} · 새 문항 {new}", "Due {due} · New {new}"),
    "last_exam": ("최근 모의고사 {score}", "Last exam {score}"),
    "no_exam_yet": ("모의고사 기록 없음", "No exam taken yet"),
    "exam_on": ("시험일 {date} ({days})", "Exam {date} ({days})"),
    "days_left": ("D-{n}", "in {n} days"),
    "exam_today": ("오늘", "today"),
    "no_exam_date": ("시험일 미정 (d 키로 정하기)", "No exam date (press d to set)"),
    "section_due": ("예정 {n}", "due {n}"),
    "content_problems": (
        "콘텐츠 문제 {n}건: `dlearn content check`로 확인하세요",
        "{n} content problem(s): run `dlearn content check`",
    ),
    "open_note": ("노트", "Notes"),
    "home_hint": (
        "↑↓ 절 고르기 · Enter 그 절의 노트 · s 그 절만 복습",
        "↑↓ pick a section · Enter its notes · s review just that section",
    ),
    "review_section": ("이 절 복습", "Review section"),
    # review
    "review_title": ("복습", "Review"),
    "review_position": ("{i}/{n} · {section}", "{i}/{n} · {section}"),
    "new_card": ("새 문항", "new"),
    "due_card": ("복습", "due"),
    "submit": ("제출", "Submit"),
    "continue": ("다음", "Next"),
    "grade": ("평가", "Grade"),
    "end_session": ("그만하기", "Stop"),
    "answer_first": ("먼저 답을 고르세요.", "Choose an answer first."),
    "fill_all_blanks": ("빈칸을 모두 채우세요.", "Fill in every blank."),
    "order_first": (
        "항목을 옮겨 순서를 정한 뒤 Enter를 누르세요.",
        "Move the items into order, then press Enter.",
    ),
    "match_all": ("왼쪽 항목마다 오른쪽 글자를 고르세요.", "Pick a letter for every left item."),
    "type_number": ("숫자를 입력하고 Enter", "Type a number, then Enter"),
    "type_blank": ("빈칸 {i}", "Blank {i}"),
    "correct": ("✓ 맞았습니다", "✓ Correct"),
    "wrong": ("✗ 틀렸습니다", "✗ Wrong"),
    "partial": ("부분 점수 {pct}", "partial credit {pct}"),
    "expected": ("정답: {answer}", "Answer: {answer}"),
    "your_answer": ("내 답: {answer}", "Your answer: {answer}"),
    "no_answer": ("(답 없음)", "(no answer)"),
    "explanation": ("해설", "Explanation"),
    "related_note": ("관련 노트: {title} (n 키)", "Related note: {title} (press n)"),
    "rate_prompt": (
        "평가 (1-4로 바꾸기, Enter로 저장하고 다음):",
        "Grade (1-4 to change, Enter to save and go on):",
    ),
    "rating_1": ("다시", "Again"),
    "rating_2": ("어려움", "Hard"),
    "rating_3": ("알맞음", "Good"),
    "rating_4": ("쉬움", "Easy"),
    "suggested": ("추천", "suggested"),
    "nothing_due": (
        "지금 복습할 문항이 없습니다.",
        "Nothing to review right now.",
    ),
    "next_due_at": ("다음 복습: {when}", "Next review: {when}"),
    "session_done": ("복습 끝!", "Session done!"),
    "session_stats": (
        "{n}문항 · 정답 {right} ({pct})",
        "{n} questions · {right} right ({pct})",
    ),
    "session_ratings": (
        "다시 {again} · 어려움 {hard} · 알맞음 {good} · 쉬움 {easy}",
        "Again {again} · Hard {hard} · Good {good} · Easy {easy}",
    ),
    "due_now_after": ("지금 예정된 문항: {n}", "Due now: {n}"),
    "again_session": ("한 번 더", "Again"),
    "keys_choice": ("1-{n} 또는 ↑↓ 고르기", "1-{n} or ↑↓ choose"),
    "keys_multi": ("1-{n} 또는 Space 선택/해제 (여러 개)", "1-{n} or Space toggle (any number)"),
    "keys_ox": ("o 맞다 / x 틀리다", "o true / x false"),
    "keys_order": ("↑↓ 고르기 · Shift+↑↓ 또는 u/d 옮기기", "↑↓ pick · Shift+↑↓ or u/d move"),
    "keys_match": ("↑↓ 왼쪽 항목 · 글자 키로 짝 짓기", "↑↓ left item · letter key pairs it"),
    "keys_cloze": ("빈칸마다 입력 (Enter로 다음 빈칸)", "Type each blank (Enter: next blank)"),
    "keys_numeric": ("숫자 입력", "Type a number"),
    "enter_submits": ("Enter 제출", "Enter submits"),
    "enter_next": ("Enter 다음 문항", "Enter: next question"),
    "ox_true": ("O  맞다", "O  true"),
    "ox_false": ("X  틀리다", "X  false"),
    "move_up": ("위로", "Up"),
    "move_down": ("아래로", "Down"),
    "order_hint": ("맞는 순서로 정렬하세요 (위가 처음).", "Put them in order (top first)."),
    "match_hint": ("오른쪽 항목:", "Right-hand items:"),
    # exam
    "exam_title": ("모의고사", "Mock exam"),
    "exam_status": (
        "문항 {i}/{n} · 답함 {answered}/{n} · 남은 시간 {left}",
        "Question {i}/{n} · answered {answered}/{n} · {left} left",
    ),
    "exam_prev": ("이전", "Prev"),
    "exam_next": ("다음", "Next"),
    "exam_submit": ("제출", "Submit"),
    "exam_confirm_submit": (
        "모의고사를 제출할까요? 답하지 않은 문항 {n}개.",
        "Submit the exam? {n} question(s) unanswered.",
    ),
    "exam_confirm_leave": (
        "모의고사를 그만둘까요? 답은 저장되지 않습니다.",
        "Leave the exam? Your answers will not be saved.",
    ),
    "exam_empty": ("문항이 없어 모의고사를 볼 수 없습니다.", "No questions to draw an exam from."),
    "yes": ("예", "Yes"),
    "no": ("아니요", "No"),
    "confirm_keys": ("Enter/y 예 · Esc/n 아니요", "Enter/y yes · Esc/n no"),
    # exam result, wrong answers
    "result_title": ("모의고사 결과", "Exam result"),
    "result_score": ("점수 {right}/{n} ({pct})", "Score {right}/{n} ({pct})"),
    "result_time": ("걸린 시간 {used} / 제한 {limit}", "Time {used} of {limit}"),
    "timed_out": ("시간 종료로 자동 제출됨", "Time ran out: submitted automatically"),
    "by_section": ("절별 결과", "By section"),
    "walk_wrong": ("틀린 문항 보기", "Wrong answers"),
    "no_wrong": ("모두 맞혔습니다!", "All correct!"),
    "wrong_title": ("틀린 문항 {i}/{n}", "Wrong answer {i}/{n}"),
    "saved_exam": ("결과를 저장했습니다.", "Result saved."),
    # notes
    "notes_title": ("노트", "Notes"),
    "glossary": ("용어집", "Glossary"),
    "summary": ("핵심 정리", "Summary"),
    "toc": ("목차", "Contents"),
    "toggle_toc": ("목차", "Contents"),
    "prev_section": ("이전 절", "Prev"),
    "next_section": ("다음 절", "Next"),
    "lab_link": ("관련 실습: `{lab}`", "Related lab: `{lab}`"),
    "sections_of_part": ("이 부분의 절", "Sections in this part"),
    "related_sections": ("관련 절", "sections"),
    "switch_focus": ("목차↔본문", "TOC↔text"),
    # progress
    "progress_title": ("진도", "Progress"),
    "mastery": ("숙달도 (예상 기억률)", "Mastery (predicted recall)"),
    "history": ("복습 기록 (최근 {days}일)", "Review history (last {days} days)"),
    "history_row": ("{n}회 · 정답률 {pct}", "{n} reviewed · {pct} right"),
    "history_total": ("전체 {n}회 · 정답률 {pct}", "All time: {n} reviewed · {pct} right"),
    "no_history": ("아직 복습 기록이 없습니다.", "No reviews yet."),
    "past_exams": ("지난 모의고사", "Past exams"),
    "exam_row": ("{when}  {right}/{n}  {pct}", "{when}  {right}/{n}  {pct}"),
    "no_exams": ("아직 본 모의고사가 없습니다.", "No exams taken yet."),
    "due_total": ("지금 복습 예정 {n}", "{n} due now"),
    # exam date dialog
    "exam_date_title": ("시험일", "Exam date"),
    "exam_date_help": (
        "YYYY-MM-DD 형식으로 입력하고 Enter. 비우고 Enter면 시험일을 지웁니다. Esc 취소.",
        "Type YYYY-MM-DD and Enter. Empty + Enter clears the date. Esc cancels.",
    ),
    "exam_date_bad": (
        "'{text}'는 날짜가 아닙니다. 예: 2025-06-20",
        "'{text}' is not a date. Example: 2025-06-20",
    ),
    "exam_date_past": (
        "{date}는 이미 지났습니다. 오늘 이후 날짜를 입력하세요.",
        "{date} has passed. Enter today or a later date.",
    ),
    "exam_date_set": ("시험일을 {date}로 정했습니다.", "Exam date set to {date}."),
    "exam_date_cleared": ("시험일을 지웠습니다.", "Exam date cleared."),
    "cancel": ("취소", "Cancel"),
    "save": ("저장", "Save"),
    # labs, live run, runs
    "labs": ("실습", "Labs"),
    "runs": ("실행 기록", "Runs"),
    "cmd_labs": (
        "실습: 강의의 주장을 직접 훈련해서 확인하기",
        "Labs: train models that test the lecture's claims",
    ),
    "cmd_runs": (
        "실행 기록: 다시 붙기, 비교, 이어서 하기, 내보내기",
        "Runs: re-attach, compare, resume, export",
    ),
    "cmd_lab": ("실습: {title}", "Lab: {title}"),
    "cmd_lab_help": ("이 실습의 매개변수 양식 열기", "Open this lab's parameter form"),
    "labs_hint": (
        "↑↓ 실습 고르기 · Tab 매개변수 · r/Ctrl+R 실행 · n 관련 노트 · h 실행 기록",
        "↑↓ pick a lab · Tab parameters · r/Ctrl+R run · n its notes · h runs",
    ),
    "run_lab": ("실행", "Run"),
    "lab_notes": ("노트", "Notes"),
    "lab_claim": ("강의의 주장:", "The lecture's claim:"),
    "lab_arms": ("비교하는 모델: {arms}", "Models compared: {arms}"),
    "last_verdict": ("최근 판정: {mark} {verdict}", "Last verdict: {mark} {verdict}"),
    "no_verdict_yet": ("아직 실행하지 않음", "not run yet"),
    "lab_notes_link": ("관련 노트: {title} (n 키)", "Notes: {title} (press n)"),
    "verdict": ("판정", "Verdict"),
    "verdict_shown": ("주장이 확인됨", "the claim showed"),
    "verdict_not_shown": ("주장이 확인되지 않음", "the claim did not show"),
    "preset": ("프리셋", "preset"),
    "param_range": (
        "{value}은(는) 허용 범위 밖입니다. 허용: {allowed}",
        "{value} is out of range; allowed: {allowed}",
    ),
    "preset_custom": ("직접 설정", "custom"),
    "seed_help": (
        "난수 시드 (같은 시드면 CPU에서 같은 결과)",
        "random seed (same seed, same CPU run)",
    ),
    "seed_bad": (
        "시드는 정수여야 합니다. 받은 값: '{text}'",
        "The seed must be an integer, got '{text}'",
    ),
    # --- data-parallel runs (issue 15) ---
    "procs_help": (
        "프로세스 수 (torchrun, GPU마다 하나; 2코어 CPU에서는 1)",
        "processes (torchrun, one per GPU; 1 on a 2-core CPU)",
    ),
    "procs_bad": (
        "프로세스 수는 1~64의 정수여야 합니다. 받은 값: '{text}'",
        "procs must be a whole number from 1 to 64, got '{text}'",
    ),
    "form_has_errors": (
        "빨간 줄의 값을 고친 뒤 다시 실행하세요.",
        "Fix the values marked with ! and run again.",
    ),
    "predict_question": (
        "실행 전에 예측해 보세요.\n\n{claim}\n\n이번 실행에서 이 주장이 확인될까요?",
        "Predict before you run.\n\n{claim}\n\nWill this run show the claim?",
    ),
    "predict_yes": ("y 확인될 것이다", "y it will show"),
    "predict_no": ("n 확인되지 않을 것이다", "n it will not"),
    "predict_skip": ("s 예측 없이 실행", "s run without predicting"),
    "busy_message": (
        "다른 훈련({lab}, {run})이 실행 중입니다. 이 컴퓨터에서는 한 번에 하나만 "
        "훈련하는 것이 좋습니다: 둘이면 서로 몇 배나 느려집니다.",
        "Another training ({lab}, {run}) is running. Train one at a time on this machine: "
        "two at once slow each other down many times over.",
    ),
    "busy_wait": ("w 끝나면 시작", "w start when it ends"),
    "busy_start": ("s 그래도 시작", "s start anyway"),
    "waiting_for": (
        "{run}이(가) 끝나기를 기다리는 중입니다. 끝나면 바로 시작합니다 (Esc: 기다리기 취소).",
        "Waiting for {run} to end; this run starts then (Esc cancels the wait).",
    ),
    "start_failed": ("실행을 시작하지 못했습니다: {error}", "Could not start the run: {error}"),
    "run_live": ("실행", "Run"),
    "translate_key": ("번역", "Translate"),
    "translate_hint": (
        "t: 내 입력을 번역하고 그 어텐션 지도 보기",
        "t: translate your own input and see its attention map",
    ),
    "translate_placeholder": (
        "번역할 입력 (예: 삼일사, 이만 오천, 2024년 3월 5일) 후 Enter, 닫기 Esc",
        "Input to translate (e.g. 삼일사, 이만 오천, March 5, 2024), Enter; Esc closes",
    ),
    "translate_unavailable": (
        "번역은 seq2seq와 transformer 실습의 실행에서만 됩니다",
        "Only seq2seq and transformer runs can translate",
    ),
    "translate_needs_finished": (
        "실행이 끝나야 번역할 수 있습니다 (지금: {status})",
        "The run must finish before it can translate (now: {status})",
    ),
    "translate_empty": (
        "번역할 입력을 적으세요 (예: 삼일사)",
        "Type something to translate (e.g. 삼일사)",
    ),
    "translate_running": ("번역하는 중: {text} ...", "Translating {text} ..."),
    "translate_error": ("번역 실패: {message}", "Cannot translate: {message}"),
    "translate_no_attention": (
        "이 모델({arm})에는 어텐션이 없어 어텐션 지도가 없습니다",
        "This model ({arm}) has no attention, so there is no attention map",
    ),
    "translate_caption": (
        "내 입력: {text} · 학습된 프로브로 돌아가려면 [ ]",
        "your input: {text} · [ ] back to the training probes",
    ),
    "status_running": ("실행 중", "running"),
    "status_finished": ("완료", "finished"),
    "status_cancelled": ("취소됨", "cancelled"),
    "status_failed": ("실패", "failed"),
    "status_damaged": ("손상됨", "damaged"),
    "run_arm": ("{arm} ({i}/{n}) 단계 {step}/{total}", "{arm} ({i}/{n}) step {step}/{total}"),
    "run_elapsed": ("경과 {elapsed}", "elapsed {elapsed}"),
    "run_left": ("남은 시간 ≈{left}", "≈{left} left"),
    "run_speed": ("{speed} 샘플/초", "{speed} samples/s"),
    "no_probes_yet": ("아직 관찰값(probe)이 없습니다.", "No probes yet."),
    "probe_caption": (
        "관찰 {k}/{names} · {arm} · 단계 {step} · 스냅샷 {i}/{n}",
        "probe {k}/{names} · {arm} · step {step} · snapshot {i}/{n}",
    ),
    "probe_latest": ("최신", "latest"),
    "prediction_right": (
        "내 예측: {said} → ✓ 맞았습니다",
        "Your prediction: {said} → ✓ right",
    ),
    "prediction_wrong": (
        "내 예측: {said} → ✗ 빗나갔습니다. 왜 그런지 근거를 읽어 보세요.",
        "Your prediction: {said} → ✗ missed. Read the evidence to see why.",
    ),
    "prediction_pending": ("내 예측: {said}", "Your prediction: {said}"),
    "run_failed": ("실행 실패: {message}", "The run failed: {message}"),
    "run_cancelled_hint": (
        "취소되었습니다. 체크포인트에서 이어서 하려면 r.",
        "Cancelled. Press r to resume from its checkpoint.",
    ),
    "run_damaged_hint": (
        "마지막 이벤트 없이 끝났습니다 (강제 종료?). 이어서 하려면 r.",
        "Ended without a final event (killed?). Press r to resume.",
    ),
    "run_continues": (
        "실행은 계속됩니다. 실행 기록(h)에서 다시 붙을 수 있습니다.",
        "The run goes on. Re-attach from Runs (h).",
    ),
    "run_not_running": ("실행 중이 아닙니다.", "This run is not running."),
    "run_stopping": (
        "중지 요청: 체크포인트를 저장한 뒤 취소 상태로 끝납니다.",
        "Stopping: the run saves a checkpoint, then ends as cancelled.",
    ),
    "confirm_cancel_run": (
        "이 실행을 중지할까요? 체크포인트가 저장되어 나중에 이어서 할 수 있습니다.",
        "Stop this run? It saves a checkpoint, so you can resume it later.",
    ),
    "run_not_resumable": (
        "{status} 상태의 실행은 이어서 할 수 없습니다.",
        "A {status} run cannot be resumed.",
    ),
    "saved_to": ("저장했습니다: {path}", "Saved: {path}"),
    "leave_run": ("나가기", "Leave"),
    "log_y": ("로그 y", "log y"),
    "smooth": ("평활", "Smooth"),
    "probe_prev": ("이전 관찰", "Prev probe"),
    "probe_next": ("다음 관찰", "Next probe"),
    "snap_back": ("이전 시점", "Earlier"),
    "snap_forward": ("다음 시점", "Later"),
    "latest": ("최신", "Latest"),
    "cancel_run": ("중지", "Stop"),
    "resume_run": ("이어서", "Resume"),
    "save_svg": ("SVG", "SVG"),
    "mark_run": ("표시", "Mark"),
    "compare": ("비교", "Compare"),
    "delete_run": ("삭제", "Delete"),
    "export_csv": ("CSV", "CSV"),
    "export_json": ("JSON", "JSON"),
    "no_runs": (
        "아직 실행 기록이 없습니다. 실습 화면에서 시작하세요.",
        "No runs yet. Start one from Labs.",
    ),
    "runs_hint": (
        "Enter 열기(실행 중이면 다시 붙기) · Space 표시 · c 비교 · r 이어서 · d 삭제 · e/j 내보내기",
        "Enter open (re-attach if running) · Space mark · c compare · r resume · d delete · e/j export",
    ),
    "delete_running": (
        "실행 중인 실행은 지울 수 없습니다. 먼저 중지하세요.",
        "A running run cannot be deleted; stop it first.",
    ),
    "confirm_delete": (
        "{run}을(를) 지울까요? 이벤트, 체크포인트, 결과가 모두 지워집니다.",
        "Delete {run}? Its events, checkpoint and results are all removed.",
    ),
    "deleted": ("{run}을(를) 지웠습니다.", "Deleted {run}."),
    "lab_offer": ("관련 실습: {lab} (l 키로 열기)", "Related lab: {lab} (press l to open)"),
    # errors
    "no_lecture": (
        "불러온 강의가 없습니다. `dlearn content check`로 문제를 확인하세요.",
        "No lecture could be loaded. Run `dlearn content check` to see why.",
    ),
    # progress: the memory model fitted to the learner (issue 14)
    "memory_title": ("기억 모델 (FSRS)", "Memory model (FSRS)"),
    "memory_default": ("FSRS 기본 매개변수를 씁니다.", "Using FSRS's default parameters."),
    "memory_needs": (
        "내 기록에 맞추려면 하루 이상 간격을 둔 복습이 {need}회 더 필요합니다 ({have}/{min}).",
        "Fitting it to you needs {need} more reviews spaced a day or more apart ({have}/{min}).",
    ),
    "memory_ready": (
        "f 키: 내 복습 {n}회에 맞춰 기억 모델 맞추기",
        "Press f to fit the memory model to your {n} reviews",
    ),
    "memory_fitting": (
        "기억 모델을 맞추는 중… {done}/{total} 단계",
        "Fitting the memory model… step {done}/{total}",
    ),
    "memory_fitted": (
        "{when}에 내 복습 {n}회에 맞춘 매개변수를 씁니다.",
        "Using parameters fitted to your {n} reviews on {when}.",
    ),
    "memory_compare": (
        "로그 손실: 기본 {before} → 내 모델 {after} (낮을수록 잘 맞음)",
        "Log loss: defaults {before} → yours {after} (lower predicts better)",
    ),
    "memory_recall": (
        "예상 기억률: 기본 {before}, 내 모델 {after} · 실제로 기억한 비율 {observed}",
        "Predicted recall: defaults {before}, yours {after} · you actually recalled {observed}",
    ),
    "memory_refit": ("f 키: 다시 맞추기", "Press f to fit again"),
    "memory_no_gain": (
        "새로 맞춘 매개변수가 기본값보다 잘 맞지 않아 쓰지 않았습니다.",
        "The new fit did not predict your reviews better, so it was not used.",
    ),
    "memory_failed": ("기억 모델을 맞추지 못했습니다: {error}", "Fitting failed: {error}"),
    "fit_memory": ("기억 모델 맞추기", "Fit my memory"),
    # review: questions from the learner's own runs (issue 14)
    "run_offer": (
        "내 실습 실행 {run}에서 만든 문제 (l 키로 실행 결과 열기)",
        "A question from your run {run} (press l to open the run)",
    ),
}

# --- the Exercises screen (issue 13): write the lecture's building blocks, graded ---------
STRINGS.update(
    {
        "exercises": ("연습 문제", "Exercises"),
        "cmd_exercises": (
            "강의의 구성 요소를 직접 구현하고 PyTorch와 비교해 채점받기",
            "Implement the lecture's building blocks, graded against PyTorch",
        ),
        "ex_title": ("연습 문제 · {n}/{total} 통과", "Exercises · {n}/{total} passed"),
        "ex_start": ("파일 시작", "Start file"),
        "ex_edit": ("편집기", "Editor"),
        "ex_grade": ("채점", "Grade"),
        "ex_hint": ("힌트", "Hint"),
        "ex_solution": ("모범 답안", "Solution"),
        "ex_section": ("강의 절: {section}", "lecture section: {section}"),
        "ex_formula": ("강의의 식", "the lecture's formula"),
        "ex_file": ("내 파일: {path}", "Your file: {path}"),
        "ex_watching": (
            "저장하면 바로 채점합니다 (1초마다 확인). o: $EDITOR로 열기",
            "Saved changes are graded at once (checked every second). o: open in $EDITOR",
        ),
        "ex_no_file": (
            "아직 파일이 없습니다. s로 시작 파일을 만드세요 ({path})",
            "No file yet: press s to write the starter ({path})",
        ),
        "ex_started": ("시작 파일을 만들었습니다: {path}", "Starter written: {path}"),
        "ex_exists": (
            "파일이 이미 있어 그대로 둡니다: {path}",
            "The file is already there and stays as it is: {path}",
        ),
        "ex_grading": ("채점 중… (별도 프로세스에서 실행)", "Grading… (in a separate process)"),
        "ex_passed": (
            "통과! ({s}초) 이제 실습에서 내 코드로 훈련할 수 있습니다",
            "Passed! ({s} s) Your code can now train in its lab",
        ),
        "ex_failed": (
            "아직입니다 ({s}초): ✗ 단계를 고쳐 저장하세요",
            "Not yet ({s} s): fix the ✗ stage and save",
        ),
        "ex_train": (
            "실습에서 훈련: dlearn lab run {lab} --preset mine (또는 실습 화면에서 impl=mine)",
            "Train it: dlearn lab run {lab} --preset mine (or impl=mine in the lab form)",
        ),
        "ex_passed_before": ("✓ 통과함 ({at})", "✓ passed ({at})"),
        "ex_failed_before": (
            "✗ 지난 시도는 '{stage}' 단계에서 멈췄습니다. g로 다시 채점",
            "✗ your last attempt stopped at stage '{stage}'; g grades it again",
        ),
        "ex_not_graded": ("아직 채점하지 않았습니다", "Not graded yet"),
        "ex_hint_n": ("힌트 {n}/{total}:", "Hint {n}/{total}:"),
        "ex_hints_left": ("h: 힌트 보기 ({n}개 남음)", "h: show a hint ({n} left)"),
        "ex_no_more_hints": ("힌트를 모두 보았습니다", "Every hint is shown"),
        "ex_solution_locked": (
            "모범 답안은 내 파일이 통과한 뒤에 열립니다",
            "The reference solution opens once your file passes",
        ),
        "ex_solution_title": ("모범 답안", "reference solution"),
        "ex_no_editor": (
            "$EDITOR가 정해지지 않았습니다. 다른 창에서 {path}를 고치면 저장할 때 채점합니다",
            "$EDITOR is not set: edit {path} in another window; it is graded when saved",
        ),
        "ex_no_suspend": (
            "이 터미널에서는 편집기를 열 수 없습니다. 다른 창에서 {path}를 고치세요",
            "This terminal cannot hand over to an editor: edit {path} in another window",
        ),
        "ex_editor_failed": (
            "편집기 {editor}를 실행하지 못했습니다: {error}",
            "Could not run the editor {editor}: {error}",
        ),
        "ex_passed_count": ("연습 {n}/{total}", "exercises {n}/{total}"),
        "ex_home_row": (
            "{n}/{total} 통과 · x: 직접 구현하고 채점받기",
            "{n}/{total} passed · x: write them yourself, graded",
        ),
    }
)


# issue 14 (content): the glossary's synonyms on the Notes screen
STRINGS["glossary_synonyms"] = ("같은 뜻으로 쓰이는 말", "also written in Korean as")

# Enrichment: items that go beyond the lecture are marked, and left out of the mock exam
# unless the learner asks (exam set-up's a key, or dlearn exam --enrichment).
STRINGS.update(
    {
        "enrichment_tag": ("심화 (강의 밖 내용)", "enrichment (beyond the lecture)"),
        "verdict_own_code": (
            "내가 쓴 코드로 훈련했습니다: {files}",
            "Trained on your own code: {files}",
        ),
        "exam_setup_enrichment_off": (
            "심화 문항(강의 밖 내용): 빼기 · a 포함하기",
            "Enrichment items (beyond the lecture): left out · a to include",
        ),
        "exam_setup_enrichment_on": (
            "심화 문항(강의 밖 내용): 포함 · a 빼기",
            "Enrichment items (beyond the lecture): included · a to leave out",
        ),
    }
)


def tr(key: str, lang: str, **values: object) -> str:
    """The interface string `key` in `lang` ("ko" or "en"), with `values` filled in.

    An unknown key comes back as itself, so a slip shows up on screen instead of crashing
    a study session; the i18n test keeps that from reaching a release.
    """
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "ko" else pair[1]
    return text.format(**values) if values else text


def percent(value: float) -> str:
    """0.7234 -> "72%" (the same in both languages)."""
    return f"{round(value * 100):d}%"


def relabel(root: DOMNode, lang: str) -> None:
    """Set `lang` on `root` and every node under it that has a `lang` reactive.

    Screens and widgets redraw their words in their `watch_lang`, so switching language
    at run time is one walk over the DOM instead of a message per widget.
    """
    from textual.reactive import Reactive

    for node in root.walk_children(with_self=True):
        if isinstance(getattr(type(node), "lang", None), Reactive):
            node.lang = lang  # type: ignore[attr-defined]


# -- issue 17: the Review half at 80x24 in Korean (appended in one block for merging) --------
STRINGS.update(
    {
        "unreadable": (
            "{answer} (채점할 수 없는 답: {why})",
            "{answer} (could not be graded: {why})",
        ),
        "past_exams_hint": (
            "↑/↓로 고르고 Enter: 결과와 틀린 문제 다시 보기",
            "↑/↓ and Enter: the result and its wrong answers again",
        ),
        "again_card": ("다시 보기", "again"),
        "scroll_keys": ("스크롤", "scroll"),
        "palette_no_match": ("찾는 명령이 없습니다", "No matches found"),
        "cmd_glossary_title": ("용어집 (glossary)", "Glossary"),
        "cmd_glossary": ("한국어↔영어 용어와 뜻", "Key terms, Korean and English"),
        "cmd_wrong_title": ("오답: 최근 모의고사에서 틀린 문제", "Wrong answers of the last exam"),
        "cmd_wrong": ("틀린 문제를 하나씩 다시 보기", "Walk through the exam's wrong answers"),
        "no_wrong_answers": (
            "틀린 문제가 있는 모의고사가 없습니다.",
            "No exam with wrong answers yet.",
        ),
        "cmd_textual_theme": ("테마", "Theme"),
        "cmd_textual_theme_help": ("화면 색 테마 바꾸기", "Change the colour theme"),
        "cmd_textual_quit": ("종료", "Quit"),
        "cmd_textual_quit_help": ("dlearn 끝내기", "Quit dlearn"),
        "cmd_textual_keys": ("키 도움말", "Keys"),
        "cmd_textual_keys_help": (
            "지금 쓸 수 있는 키와 도움말 보이기/숨기기",
            "Show or hide the keys that work here",
        ),
        "cmd_textual_maximize": ("최대화", "Maximize"),
        "cmd_textual_maximize_help": ("선택한 부분을 화면 가득 보기", "Maximize the focused part"),
        "cmd_textual_minimize": ("원래 크기로", "Minimize"),
        "cmd_textual_minimize_help": ("최대화를 풀고 원래대로", "Back to the normal layout"),
        "cmd_textual_screenshot": ("스크린샷", "Screenshot"),
        "cmd_textual_screenshot_help": (
            "지금 화면을 SVG 파일로 저장",
            "Save the screen as an SVG file",
        ),
        "exam_date_help": (
            "날짜를 입력하고 Enter (예: {example}, 12/10, 12월 10일, 2026.12.10). "
            "비우고 Enter면 시험일을 지웁니다. Esc 취소.",
            "Type a date and Enter (e.g. {example}, 12/10, 2026.12.10). "
            "Empty + Enter clears the date. Esc cancels.",
        ),
        "exam_date_bad": (
            "{text} 날짜로 읽을 수 없습니다. 예: {example}, 12/10, 12월 10일",
            "{text} is not a date. Example: {example}, 12/10",
        ),
        "exam_date_past": (
            "{date} 이미 지났습니다. 오늘({today}) 이후 날짜를 입력하세요.",
            "{date} has passed. Enter today ({today}) or a later date.",
        ),
        "exam_date_set": ("시험일을 {date} 정했습니다.", "Exam date set to {date}."),
        "exam_setup_title": ("모의고사: 문항 수와 시간", "Mock exam: length and time"),
        "exam_setup_row": ("{n}문항 · 제한 {time}", "{n} questions · {time}"),
        "exam_setup_keys": (
            "↑/↓ 고르기 · Enter 시작 · Esc 취소",
            "↑/↓ pick · Enter start · Esc cancel",
        ),
        "units_none": ("단위 없이 숫자만 (개·번은 붙여도 됩니다).", "A number without a unit."),
        "units_accepted": (
            "단위: {units} (숫자만 써도 됩니다)",
            "Unit: {units} (a bare number is fine)",
        ),
    }
)


# How the digits 0-9 are read in Korean (영 일 이 삼 사 오 육 칠 팔 구): which end in a
# final consonant, and which of those is ㄹ (일, 칠, 팔), which takes 로, not 으로.
_DIGIT_FINAL = {"0": "ㅇ", "1": "ㄹ", "3": "ㅁ", "6": "ㄱ", "7": "ㄹ", "8": "ㄹ"}
_PLACE_FINAL = {1: "ㅂ", 2: "ㄱ", 3: "ㄴ", 4: "ㄴ"}  # 십, 백, 천, 만 (10, 100, 1000, 10000)
_FINALS = " ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"


def _final_sound(word: str) -> str | None:
    """The final consonant of `word` as it is read aloud ("" for none, None if unknown)."""
    text = word.rstrip(" .,!?'\")”’")
    if not text:
        return None
    last = text[-1]
    if "가" <= last <= "힣":
        return _FINALS[(ord(last) - 0xAC00) % 28].strip()
    if last.isdigit():
        digits = text[len(text) - len(text.rstrip("0123456789")) :]
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros and digits.strip("0"):  # 10 십, 20 이십, 100 백...: read by its place
            return _PLACE_FINAL.get(zeros % 4 or 4, "ㄴ")
        return _DIGIT_FINAL.get(last, "")
    if last.isascii() and last.isalpha():  # English letters: as read in Korean
        return "ㄹ" if last.lower() == "l" else ("ㅁ" if last.lower() in "mn" else "")
    return None


def particle(word: str, pair: str) -> str:
    """The form of a Korean particle that fits after `word`: 은/는, 이/가, 을/를, 으로/로.

    `pair` is written "with final/without final" ("은/는"); the last syllable's reading
    decides, digits read as numbers ("2026-12-10" ends in 십: 은, 으로; "...-11" in 일:
    은, 로). For 으로/로 a final ㄹ counts as none.
    """
    with_final, without = pair.split("/")
    final = _final_sound(word)
    if final is None:
        return f"{with_final}({without})" if pair != "으로/로" else "(으)로"
    if pair == "으로/로" and final == "ㄹ":
        return without
    return with_final if final else without


def with_particle(word: str, pair: str, lang: str) -> str:
    """`word` followed by the fitting form of `pair` in Korean; `word` alone in English."""
    return word + particle(word, pair) if lang == "ko" else word
