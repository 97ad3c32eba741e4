"""Strings of classroom mode (issue #18): the presenter's tab and the students' page, English and Chinese."""

from __future__ import annotations

from demos.i18n import register

EN = {
    "tab_classroom": "Classroom",
    "cls_intro": (
        "## The whole room predicts, then the model answers\n"
        "Press **Present to the room**: the projector shows a room code, a QR code and a link. Students open "
        "the link on their phones (no account, no name) and answer the question shown here; the bars fill in "
        "as the votes arrive. **Reveal** measures the answer on the loaded model or the recorded data, "
        "shows it beside the votes, and on every phone. **Next question** moves on."
    ),
    "cls_order": "Questions, in the order asked (remove some, or add them back in another order)",
    "cls_start": "Present to the room",
    "cls_reveal": "Reveal",
    "cls_next": "Next question",
    "cls_end": "End the session",
    "cls_started_md": "Room **{code}** is open. It closes 3 hours after its last activity, or when you end it.",
    "cls_ended_md": "The session has ended; its votes are deleted.",
    "cls_join_at": "Join at",
    "cls_code": "Room code",
    "cls_scan": "Scan to join",
    "cls_loopback": (
        "⚠ This page is open at {host}, an address only this computer can reach: students' phones cannot "
        "follow this link. Start the app with GRADIO_SERVER_NAME=0.0.0.0 and open it by the machine's "
        "network address, or set PAPER_GALLERY_PUBLIC_URL to the address students can reach."
    ),
    "cls_question_md": "**Question {i} of {n}** · {paper}\n\n### {question}",
    "cls_joined": "{n} joined",
    "cls_votes": "{n} votes",
    "cls_measured": "measured answer",
    "cls_reveal_md": "**Measured answer: {answer}** ({right} of {total} votes got it)\n\n{result}",
    "cls_measuring": "Measuring…",
    "cls_err_full": "{limit} rooms are open on this server, the most it holds; one must end (or expire) first.",
    "cls_err_no_questions": "Choose at least one question.",
    "cls_err_gone": "This room has expired or ended. Press **Present to the room** to open a new one.",
    "cls_err_not_started": "Press **Present to the room** first.",
    "cls_err_no_more": "That was the last question. End the session, or present again for a new round.",
    "cls_err_moved_on": "The room has moved on to another question.",
    "cls_err_not_presenter": "This page does not present that room.",
    "cls_err_db": "The classroom's database did not answer ({err}); try again in a moment.",
    "cls_paper_resnet": "ResNet",
    "cls_paper_transformer": "Transformer",
    "cls_paper_gan": "GAN",
    "cls_paper_bert": "BERT",
    "cls_figure": "After the reveal, open the figure: {link}",
    # the students' page
    "st_title": "Paper Gallery · Classroom",
    "st_code_label": "Room code",
    "st_join": "Join",
    "st_privacy": "No names, no accounts: only a random number kept in this browser, so that it votes once.",
    "st_waiting": "Joined room {code}. Waiting for the question…",
    "st_progress": "Question {i} of {n}",
    "st_voted": "Your answer: {choice}. Waiting for the reveal…",
    "st_answer": "Answer: {answer}",
    "st_right": "✓ You got it.",
    "st_wrong": "✗ You picked {choice}.",
    "st_no_vote": "You did not vote on this one.",
    "st_err_unknown": "No open room has the code “{code}”. Check the code, or ask for the link again (rooms close 3 hours after their last activity).",
    "st_err_ended": "This room has ended or expired.",
    "st_err_slow": "Too many attempts from this device. Try again in {s} s.",
    "st_err_voted": "This browser has already voted on this question: one vote each.",
    "st_err_closed": "Voting on this question is closed.",
    "st_err_net": "Connection lost; trying again…",
    "st_err_bad": "That did not work; reload the page.",
}

ZH = {
    "tab_classroom": "课堂",
    "cls_intro": (
        "## 全班先预测，再由模型回答\n"
        "按 **向全班展示**：投影上会出现房间码、二维码和链接。学生用手机打开链接（无需账号，也不填姓名），回答这里显示的问题；"
        "投票一到，柱状图随之增长。**揭晓答案** 会在加载的模型或记录的数据上测出答案，显示在投票旁边，也显示在每部手机上。"
        "**下一题** 继续。"
    ),
    "cls_order": "提问顺序（可以删掉一些，或按别的顺序重新加入）",
    "cls_start": "向全班展示",
    "cls_reveal": "揭晓答案",
    "cls_next": "下一题",
    "cls_end": "结束本次课堂",
    "cls_started_md": "房间 **{code}** 已开放。最后一次活动 3 小时后自动关闭，或由你结束。",
    "cls_ended_md": "本次课堂已结束，投票已删除。",
    "cls_join_at": "加入地址",
    "cls_code": "房间码",
    "cls_scan": "扫码加入",
    "cls_loopback": (
        "⚠ 本页通过 {host} 打开，这个地址只有本机能访问：学生的手机无法打开这个链接。请用 GRADIO_SERVER_NAME=0.0.0.0 "
        "启动应用并通过本机的网络地址打开，或把 PAPER_GALLERY_PUBLIC_URL 设为学生能访问的地址。"
    ),
    "cls_question_md": "**第 {i} 题，共 {n} 题** · {paper}\n\n### {question}",
    "cls_joined": "已加入 {n} 人",
    "cls_votes": "{n} 票",
    "cls_measured": "测得的答案",
    "cls_reveal_md": "**测得的答案：{answer}**（{total} 票中有 {right} 票答对）\n\n{result}",
    "cls_measuring": "正在测量…",
    "cls_err_full": "本服务器已开放 {limit} 个房间，已达上限；需先结束（或等待过期）一个。",
    "cls_err_no_questions": "请至少选择一道题。",
    "cls_err_gone": "这个房间已过期或已结束。按 **向全班展示** 开一个新房间。",
    "cls_err_not_started": "请先按 **向全班展示**。",
    "cls_err_no_more": "这是最后一题了。可以结束本次课堂，或重新展示开始新一轮。",
    "cls_err_moved_on": "房间已经换到另一道题了。",
    "cls_err_not_presenter": "本页面不是这个房间的展示者。",
    "cls_err_db": "课堂数据库没有响应（{err}）；请稍后再试。",
    "cls_paper_resnet": "ResNet",
    "cls_paper_transformer": "Transformer",
    "cls_paper_gan": "GAN",
    "cls_paper_bert": "BERT",
    "cls_figure": "揭晓之后，打开对应的图：{link}",
    "st_title": "论文画廊 · 课堂",
    "st_code_label": "房间码",
    "st_join": "加入",
    "st_privacy": "不需要姓名和账号：只在本浏览器里保存一个随机数，保证每台设备只投一票。",
    "st_waiting": "已加入房间 {code}。等待题目…",
    "st_progress": "第 {i} 题，共 {n} 题",
    "st_voted": "你的答案：{choice}。等待揭晓…",
    "st_answer": "答案：{answer}",
    "st_right": "✓ 答对了。",
    "st_wrong": "✗ 你选了 {choice}。",
    "st_no_vote": "这道题你没有投票。",
    "st_err_unknown": "没有开放的房间使用房间码 “{code}”。请检查房间码，或重新索取链接（房间在最后一次活动 3 小时后关闭）。",
    "st_err_ended": "这个房间已结束或已过期。",
    "st_err_slow": "这台设备尝试次数太多。请 {s} 秒后再试。",
    "st_err_voted": "这个浏览器已经对这道题投过票了：每人一票。",
    "st_err_closed": "这道题的投票已经结束。",
    "st_err_net": "连接中断，正在重试…",
    "st_err_bad": "出了点问题，请刷新页面。",
}

register(EN, ZH)

STUDENT_KEYS = [k for k in EN if k.startswith("st_")]  # what the students' page carries, both languages
