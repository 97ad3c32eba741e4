"""Classroom mode's strings (English, Chinese): the presenter's tab and the students' page (`EN`, `ZH`)
and the figure questions with their one-line whys (`QUESTIONS_EN`, `QUESTIONS_ZH`); registered when
imported."""

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

STUDENT_KEYS = [
    k for k in EN if k.startswith("st_")
]  # what the students' page carries, both languages


# The figure questions, and one line "why" per measured answer of every classroom question
QUESTIONS_EN = {
    "cls_rn_q": "With identity shortcuts, which trains worse (higher training error): ResNet-20 or ResNet-56?",
    "cls_rn_c20": "ResNet-20",
    "cls_rn_c56": "ResNet-56",
    "cls_rn_csame": "about the same",
    "cls_rn_result": (
        "Our recorded Fig. 6 run (reduced budget; *Degradation (Fig. 6)*), final training error: ResNet-20 "
        "**{r20:.1f}%**, ResNet-56 **{r56:.1f}%** (test error {t20:.1f}% and {t56:.1f}%). Without shortcuts: "
        "plain-20 {p20:.1f}%, plain-56 {p56:.1f}%."
    ),
    "cls_rn_why_deeper": (
        "With shortcuts the deeper net trains better ({r56:.1f}% vs {r20:.1f}%): each block only learns a "
        "residual, so extra layers can no longer hurt."
    ),
    "cls_rn_why_other": (
        "In this short recorded run the deeper ResNet is not ahead yet ({r56:.1f}% vs {r20:.1f}%); the paper's "
        "full training shows it is."
    ),
    "cls_tf_q": (
        "Sinusoidal positions (§3.5): is there one fixed linear map that turns PE(pos) into PE(pos + 5) "
        "for every position?"
    ),
    "cls_tf_exact": "yes, exactly (the same map for every pos)",
    "cls_tf_approx": "only approximately",
    "cls_tf_depends": "no, the map depends on pos",
    "cls_tf_result": (
        "One matrix M_k built from k = {k} alone (a 2×2 rotation per sine/cosine pair), applied to the model's "
        "own table (d_model = {d}) at all {n} positions: the largest |PE(pos + {k}) − M_k·PE(pos)| is "
        "**{err:.1e}** (rounding). This is why the paper expected the model to attend by relative position."
    ),
    "cls_tf_why": (
        "sin and cos of pos + {k} are sin and cos of pos rotated by a fixed angle: one rotation for every "
        "position (error {err:.0e})."
    ),
    "cls_tf_why_not": "The measured error is {err:.1e}: not one map for every position.",
    "cls_gan_q": "Morphing between two digits through z: which path keeps the digits sharp, lerp or slerp?",
    "cls_gan_lerp": "lerp (a straight line)",
    "cls_gan_slerp": "slerp (a great circle)",
    "cls_gan_same": "no difference",
    "cls_gan_result": (
        "**{name}**, {pairs} pairs of seeds (Fig. 3's first), {steps} frames each; the project's MNIST classifier "
        "rates each frame (its top-class probability, a sure digit is a sharp one). Middle half of the paths: "
        "lerp **{lerp:.0f}%**, slerp **{slerp:.0f}%** (the end digits: {ends:.0f}%). ‖z‖ midway: lerp "
        "{n_lerp:.1f}, slerp {n_slerp:.1f}."
    ),
    "cls_gan_why": (
        "Midway lerp shrinks ‖z‖ to {n_lerp:.1f}, where the prior has no mass: the classifier is sure of "
        "{lerp:.0f}% of lerp's frames and {slerp:.0f}% of slerp's."
    ),
    "cls_gan_why_not": (
        "The classifier's confidence midway: lerp {lerp:.0f}%, slerp {slerp:.0f}% (‖z‖ {n_lerp:.1f} vs "
        "{n_slerp:.1f}): this generator does not mind the dip."
    ),
    "cls_bert_q": "BERT picks 15% of the tokens to predict. Is a picked token ever left unchanged in the input?",
    "cls_bert_never": "never: every picked token becomes [MASK]",
    "cls_bert_tenth": "yes, about 1 in 10 of them",
    "cls_bert_half": "yes, about half of them",
    "cls_bert_result": (
        "The model's own masking (§3.1) on {rows:,} sentences for **{name}**: {chosen:,} of {tokens:,} tokens "
        "picked ({share:.1f}%); of them **{masked:.1f}%** became [MASK], **{random:.1f}%** a random token and "
        "**{same:.1f}%** stayed as they were."
    ),
    "cls_bert_why": (
        "80% [MASK], 10% random, 10% unchanged (measured: {masked:.0f} / {random:.0f} / {same:.0f}%): "
        "fine-tuning never shows [MASK], so the model must not rely on it."
    ),
    "cls_bert_why_other": "Measured: {masked:.0f}% [MASK], {random:.0f}% random, {same:.0f}% unchanged.",
    # the tabs' own questions: one line per measured answer
    "cls_why_resnet_plain56": "Deeper plain nets train worse on their own training images: an optimization "
    "difficulty (degradation), not overfitting.",
    "cls_why_resnet": "This recorded run does not show the paper's degradation.",
    "cls_why_transformer_saturates": "Unscaled dot products grow like √d_k, so the softmax puts almost all "
    "weight on one key and its gradient vanishes.",
    "cls_why_transformer": "Measured on random queries and keys at d_k = 1024.",
    "cls_why_gan_0_5": "D* = p_data / (p_data + p_g): when the two are equal it is 1/2 everywhere.",
    "cls_why_gan": "Measured on the 1-D game of Fig. 1: D* = p_data / (p_data + p_g).",
    "cls_why_bert_door": "The model follows the context: the word the sentence invites comes first.",
    "cls_why_bert_window": "The model follows the context: the word the sentence invites comes first.",
    "cls_why_bert": "This small BERT, trained briefly on a CPU, ranks the most frequent pieces first.",
}

QUESTIONS_ZH = {
    "cls_rn_q": "有恒等捷径时，哪个训练得更差（训练误差更高）：ResNet-20 还是 ResNet-56？",
    "cls_rn_c20": "ResNet-20",
    "cls_rn_c56": "ResNet-56",
    "cls_rn_csame": "差不多",
    "cls_rn_result": (
        "我们记录的图 6 训练（缩减的预算；*退化问题（图 6）*），最终训练误差：ResNet-20 **{r20:.1f}%**，"
        "ResNet-56 **{r56:.1f}%**（测试误差 {t20:.1f}% 和 {t56:.1f}%）。没有捷径时：plain-20 {p20:.1f}%，"
        "plain-56 {p56:.1f}%。"
    ),
    "cls_rn_why_deeper": "有捷径时更深的网络训练得更好（{r56:.1f}% 对 {r20:.1f}%）：每个模块只学残差，多加的层不会再拖后腿。",
    "cls_rn_why_other": "在这次较短的记录训练中，更深的 ResNet 还没有领先（{r56:.1f}% 对 {r20:.1f}%）；论文的完整训练表明它会领先。",
    "cls_tf_q": "正弦位置编码（§3.5）：是否存在一个固定的线性映射，对每个位置都把 PE(pos) 变成 PE(pos + 5)？",
    "cls_tf_exact": "是，完全精确（每个位置都是同一个映射）",
    "cls_tf_approx": "只是近似",
    "cls_tf_depends": "不是，映射随位置而变",
    "cls_tf_result": (
        "只由 k = {k} 构造一个矩阵 M_k（每对正弦/余弦一个 2×2 旋转），作用在模型自己的位置表（d_model = {d}）"
        "的全部 {n} 个位置上：|PE(pos + {k}) − M_k·PE(pos)| 的最大值为 **{err:.1e}**（舍入误差）。"
        "所以论文预期模型能按相对位置来分配注意力。"
    ),
    "cls_tf_why": "pos + {k} 的正弦和余弦就是 pos 的正弦和余弦旋转一个固定角度：每个位置都是同一个旋转（误差 {err:.0e}）。",
    "cls_tf_why_not": "测得的误差为 {err:.1e}：不是对每个位置都相同的映射。",
    "cls_gan_q": "在 z 空间里让一个数字渐变成另一个：哪条路径能让数字保持清晰，lerp 还是 slerp？",
    "cls_gan_lerp": "lerp（直线）",
    "cls_gan_slerp": "slerp（大圆弧）",
    "cls_gan_same": "没有区别",
    "cls_gan_result": (
        "**{name}**，{pairs} 对种子（第一对即图 3 的默认值），每条路径 {steps} 帧；由项目的 MNIST 分类器给每帧打分"
        "（最高类别的概率，越确定说明数字越清晰）。路径的中间一半：lerp **{lerp:.0f}%**，slerp **{slerp:.0f}%**"
        "（两端的数字：{ends:.0f}%）。中点的 ‖z‖：lerp {n_lerp:.1f}，slerp {n_slerp:.1f}。"
    ),
    "cls_gan_why": "lerp 在中点把 ‖z‖ 缩到 {n_lerp:.1f}，那里先验几乎没有概率质量：分类器对 lerp 的帧有 {lerp:.0f}% 的把握，对 slerp 有 {slerp:.0f}%。",
    "cls_gan_why_not": "分类器在中点的把握：lerp {lerp:.0f}%，slerp {slerp:.0f}%（‖z‖ {n_lerp:.1f} 对 {n_slerp:.1f}）：这个生成器不在乎这个凹陷。",
    "cls_bert_q": "BERT 选出 15% 的词元来预测。被选中的词元在输入里会不会保持原样？",
    "cls_bert_never": "从不：每个被选中的词元都变成 [MASK]",
    "cls_bert_tenth": "会，大约十分之一",
    "cls_bert_half": "会，大约一半",
    "cls_bert_result": (
        "用模型自己的掩码函数（§3.1）处理 {rows:,} 个句子（**{name}**）：{tokens:,} 个词元中选中 {chosen:,} 个"
        "（{share:.1f}%）；其中 **{masked:.1f}%** 变成 [MASK]，**{random:.1f}%** 换成随机词元，**{same:.1f}%** 保持原样。"
    ),
    "cls_bert_why": "80% [MASK]、10% 随机、10% 不变（实测 {masked:.0f} / {random:.0f} / {same:.0f}%）：微调时从不出现 [MASK]，所以模型不能依赖它。",
    "cls_bert_why_other": "实测：{masked:.0f}% [MASK]，{random:.0f}% 随机，{same:.0f}% 不变。",
    "cls_why_resnet_plain56": "更深的普通网络在自己的训练图像上反而更差：这是优化困难（退化），不是过拟合。",
    "cls_why_resnet": "这次记录的训练没有出现论文所说的退化。",
    "cls_why_transformer_saturates": "未缩放的点积按 √d_k 增大，softmax 几乎把全部权重给一个键，梯度随之消失。",
    "cls_why_transformer": "在 d_k = 1024 的随机查询和键上测得。",
    "cls_why_gan_0_5": "D* = p_data / (p_data + p_g)：两者相等时处处为 1/2。",
    "cls_why_gan": "在图 1 的一维博弈上测得：D* = p_data / (p_data + p_g)。",
    "cls_why_bert_door": "模型跟随了上下文：句子暗示的词排在第一。",
    "cls_why_bert_window": "模型跟随了上下文：句子暗示的词排在第一。",
    "cls_why_bert": "这个只在 CPU 上短暂训练的小 BERT，把最常见的词片排在最前。",
}

register(EN, ZH)
register(QUESTIONS_EN, QUESTIONS_ZH)
