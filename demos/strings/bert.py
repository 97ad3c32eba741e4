"""The BERT tab's strings (English, Chinese), registered when this module is imported."""

from demos.i18n import register

EN = {
    "bert_claim": (
        "## BERT: a Transformer encoder that reads in both directions\n"
        "**The paper's claim** (Devlin et al. 2018): pre-train one bidirectional Transformer encoder "
        "on unlabelled text with two tasks, *masked language modelling* (guess 15% hidden tokens from "
        "both sides) and *next-sentence prediction*, and it becomes a strong starting point for "
        "language tasks. Here you query the pre-trained model itself. The embedded model is a small BERT "
        "(4 layers, 256 wide) we pre-trained on 94 English novels on two CPU cores; the paper-scale "
        "`bert-base-uncased` and, for Chinese, `bert-base-chinese` are used instead wherever they are on "
        "this computer (or once downloaded)."
    ),
    "bert_weights": "Weights",
    "bert_sub_fill": "Fill the mask",
    "bert_sub_anatomy": "Input anatomy",
    "bert_sub_masking": "Masking procedure",
    "bert_sub_nsp": "Next sentence",
    "bert_sub_attention": "Attention",
    "bert_sub_check": "Paper check",
    "bert_fill_intro": (
        "Write a sentence with one or more `[MASK]`; the model proposes the most probable WordPiece "
        "for each. Each mask is predicted on its own, as in pre-training. The embedded model had one "
        "CPU-hour of pre-training (BERT-BASE: 4 days on 16 TPU chips), so it mostly proposes frequent "
        "words; its measured scores are under *Paper check*. `bert-base-uncased` (from the Hub) answers "
        "like the paper's model."
    ),
    "bert_sentence": "Sentence",
    "bert_topk": "Top-k",
    "bert_fill_go": "Predict",
    "bert_examples": "Examples",
    "bert_examples_zh": "Examples (Chinese)",
    "bert_nsp_untrained": (
        "**{name}** was published without a trained next-sentence head, so it has no P(IsNext) to "
        "show: a number here would be meaningless (an untrained head). Choose a model with its NSP "
        "head (the embedded one, `bert_base.uncased` or `bert_base.chinese`)."
    ),
    "bert_predictions": "Predictions (JSON)",
    "bert_fill_md": "**Top-1 filled in:** {filled}  \n{n} mask(s).",
    "bert_fill_independent": (
        "Several masks are predicted *independently* (each sees the others as `[MASK]`): the top-1 "
        "words need not make sense together."
    ),
    "bert_mask_n": "[MASK] #{n} (position {pos})",
    "bert_anatomy_intro": (
        "The input representation of the paper's Fig. 2, drawn from your text: WordPiece pieces "
        "(`##` continues a word), `[CLS]` first, `[SEP]` after each sentence, and each token's input "
        "vector = token embedding + segment embedding (A or B) + position embedding."
    ),
    "bert_sentence_a": "Sentence A",
    "bert_sentence_b": "Sentence B (optional)",
    "bert_sentence_b_nsp": "Sentence B",
    "bert_anatomy_go": "Show the input",
    "bert_anatomy_table": "Pieces",
    "bert_col_position": "position",
    "bert_col_piece": "piece",
    "bert_col_id": "id",
    "bert_col_segment": "segment",
    "bert_row_input": "Input",
    "bert_row_token": "Token emb.",
    "bert_row_segment": "Segment emb.",
    "bert_row_position": "Position emb.",
    "bert_fig2_caption": "The sum of the three rows is what the first Transformer layer receives (Fig. 2).",
    "bert_masking_intro": (
        "Pre-training hides 15% of the tokens: of those chosen, 80% become `[MASK]`, 10% a random "
        "token and 10% stay unchanged (§3.1, so that the model cannot rely on seeing `[MASK]`). "
        "Change the seed to draw again; the model then tries to recover every chosen token."
    ),
    "bert_seed": "Seed",
    "bert_masking_go": "Corrupt and recover",
    "bert_masking_table": "Chosen tokens",
    "bert_col_original": "original",
    "bert_col_kind": "replaced by",
    "bert_col_shown": "model sees",
    "bert_col_guess": "model's top-1",
    "bert_col_ok": "right?",
    "bert_kind_1": "[MASK] (80%)",
    "bert_kind_2": "random token (10%)",
    "bert_kind_3": "unchanged (10%)",
    "bert_masking_md": "{n} of {real} tokens chosen (15%, rounded, at least one); the model recovers **{right} of {n}**.",
    "bert_nsp_intro": (
        "Is sentence B the sentence that followed A in the text? In pre-training half the pairs are "
        "real continuations (IsNext) and half take B from another document (NotNext). The answer comes "
        "from the pooled `[CLS]` vector."
    ),
    "bert_nsp_go": "Predict",
    "bert_nsp_examples": "Example pairs",
    "bert_nsp_result": "Next-sentence prediction",
    "bert_isnext": "IsNext",
    "bert_notnext": "NotNext",
    "bert_nsp_md": "P(IsNext) = **{p:.1f}%** → {verdict}",
    "bert_attention_intro": (
        "**Head view**: one layer; each token on the left (a query) is joined to the tokens it attends "
        "to on the right (the keys); line strength = attention weight; hover a line for its value. "
        "**Model view**: every layer (rows) × head (columns); click a thumbnail to enlarge it. Heads "
        "framed in red put more than half their attention on `[CLS]`/`[SEP]`: a known "
        "'no-op' pattern (Clark et al. 2019), not a sign of meaning."
    ),
    "bert_attention_go": "Show attention",
    "bert_layer": "Layer",
    "bert_head": "Head",
    "bert_heads": "Heads (all, mean or one)",
    "bert_pick_token": "Pick a token (query)",
    "bert_head_view": "Head view",
    "bert_model_view": "Model view",
    "bert_enlarged": "Enlarged head",
    "bert_png_model": "Model view (PNG)",
    "bert_png_head": "Enlarged head (PNG)",
    "bert_head_md": "Layer {layer} of {L}, {A} heads.",
    "bert_head_truncated": "The head view draws the first {n} of {T} tokens (the model view shows all).",
    "bert_token_md": "`{tok}` attends most to ({head}): {top}",
    "bert_mean_heads": "mean of heads",
    "bert_soak_layer": (
        "In this layer **{n} of {A} heads** put more than {pct}% of their attention on [CLS]/[SEP]"
        "{which}; in all {L} layers **{flagged} of {total} heads** (framed in the model view)."
    ),
    "bert_soak_which": " ({heads})",
    "bert_model_md": (
        "{L} layers × {A} heads over {T} tokens. **{flagged} of {total} heads** put more than {pct}% of "
        "their attention on [CLS]/[SEP] (framed in red; by layer, from layer 1: {by_layer}). On average {cls:.0f}% of attention goes to "
        "[CLS] and {sep:.0f}% to [SEP]. Each thumbnail is coloured relative to its own largest weight."
    ),
    "bert_heat_axes": (
        "Rows = queries (the token that attends), columns = keys (attended to); colour relative to the "
        "largest weight; hover a cell for its value."
    ),
    "bert_check_intro": (
        "The paper's sizes counted from our module (BertModel: embeddings, encoder, pooler; the MLM "
        "and NSP heads excluded, as in the usual 110 M / 340 M), the rough formula "
        "V·H + L·12H², the six sizes of the model-size ablation (Table 6), the masking rates measured "
        "from our masking function, and the embedded model's pre-training scores."
    ),
    "bert_check_go": "Check",
    "bert_col_model": "model",
    "bert_col_ours": "ours (counted)",
    "bert_col_formula": "V·H + L·12H²",
    "bert_col_paper": "paper",
    "bert_col_gap": "gap",
    "bert_col_why": "why",
    "bert_why_params": (
        "Exact count of bert-base/large-uncased (30,522 pieces); the formula leaves out the 512 position "
        "and 2 segment embeddings, biases, LayerNorms and the pooler; the paper rounds."
    ),
    "bert_loaded": "loaded model (L={L}, H={H}, A={A})",
    "bert_table6_row": "Table 6: L={L}, H={H}, A={A}",
    "bert_why_table6": (
        "A size of the model-size ablation (Table 6), counted from our module with a 4H feed-forward and "
        "30,522 pieces; the paper gives #params only for BASE and LARGE. Its LM perplexity and dev "
        "accuracies need each size pre-trained and fine-tuned: not reproduced here."
    ),
    "bert_fig1_mlm": "Fig. 1 — pre-training (1/2): the masked LM hides 15% of the tokens (80/10/10)",
    "bert_fig1_nsp": "Fig. 1 — pre-training (2/2): next sentence prediction from [CLS]",
    "bert_fig2": "Fig. 2 — the input representation: token + segment + position embeddings",
    "bert_table6": "Table 6 — model sizes (L, H, A): parameters counted from our module",
    "bert_why_loaded": "the model in use; vocabulary {V:,} pieces",
    "bert_rates_md": (
        "**Masking rates measured** from `mask_tokens` over {n:,} chosen tokens: chosen {chosen:.2f}% of "
        "real tokens (paper 15%); of those, [MASK] {mask:.1f}% (80%), random {random:.1f}% (10%), "
        "unchanged {kept:.1f}% (10%)."
    ),
    "bert_scores_md": (
        "**Embedded model, pre-training scores** (5 held-out novels never seen in training; {n:,} "
        "masked tokens): MLM top-1 **{acc:.1f}%** {ok_acc} (target ≥ 35%), perplexity {ppl:.1f}; NSP "
        "**{nsp:.1f}%** {ok_nsp} (target ≥ 80%). Out of domain, WikiText-2 validation: MLM top-1 "
        "{wacc:.1f}%, perplexity {wppl:.1f}, NSP {wnsp:.1f}%. Budget: {steps:,} steps, {minutes} min on "
        "{threads} CPU thread(s), {tokens:.1f} M tokens (BERT-BASE: 1 M steps × 256 × 512 ≈ 131,000 M)."
    ),
    "bert_no_log": "The embedded model's training log is missing.",
    "bert_err_weights": "Unknown weights. Choose one of: {names}.",
    "bert_err_type": "Please send text.",
    "bert_err_empty": "Please type a sentence first.",
    "bert_err_empty_b": "Please type sentence B too: next-sentence prediction needs a pair.",
    "bert_err_chars": "This text has {n:,} characters; the limit is {max:,}. Please shorten it.",
    "bert_err_long": (
        "This input is {n} WordPiece tokens ([CLS] and [SEP] included), but this model reads at most "
        "{max}. Please shorten the text."
    ),
    "bert_err_allunk": (
        "The model knows none of these characters: every piece became [UNK]. Try English words."
    ),
    "bert_err_nomask": (
        "There is no [MASK] in the sentence. Write [MASK] where a word should be guessed, "
        "e.g. “She opened the [MASK].”"
    ),
    "bert_err_topk": "Top-k must be a whole number from {lo} to {hi}.",
    "bert_err_seed": "The seed must be a whole number from {lo} to {hi}.",
    "bert_err_layer": "The layer must be a whole number from {lo} to {hi}.",
    "bert_err_head": "The head must be 'all', 'mean' or a number from 1 to {A}.",
    "bert_err_token": "The token must be 'all' or a position from 0 to {T}.",
    "quiz_bert_q": "What does BERT put in: “She opened the [MASK] and walked into the room.”?",
    "quiz_bert_door": "door",
    "quiz_bert_window": "window",
    "quiz_bert_the": "the",
    "quiz_bert_comma": "“,” (a comma)",
    "quiz_bert_result": (
        "The model shipped with the app (**{name}**), its top-5 for the [MASK] in “{sentence}”: {top5}. "
        "The four answers, rank among all pieces (probability): {yours}."
    ),
    "quiz_bert_why_frequency": (
        "This small BERT (pre-trained for only {minutes} minutes on a CPU; it gets {acc}% of held-out "
        "masks right) rates the most frequent pieces highest almost whatever the context; the words the "
        "sentence invites come far below. *Paper check* compares it with the paper."
    ),
    "quiz_bert_why_context": "The model follows the context: the word the sentence invites comes first.",
}

ZH = {
    "bert_claim": (
        "## BERT：双向阅读的 Transformer 编码器\n"
        "**论文的主张**（Devlin 等，2018）：用两个任务在无标注文本上预训练一个双向 Transformer 编码器——"
        "*掩码语言模型*（根据左右两侧上下文猜出被遮住的 15% 词元）和*下一句预测*——它就会成为语言任务的有力起点。"
        "这里直接查询预训练好的模型本身。内置模型是我们在两个 CPU 核上用 94 部英文小说预训练的小型 BERT"
        "（4 层，宽 256）；论文规模的 `bert-base-uncased` 以及中文的 `bert-base-chinese` 只要已在本机"
        "（或下载之后），就会代替它使用。"
    ),
    "bert_weights": "权重",
    "bert_sub_fill": "完形填空",
    "bert_sub_anatomy": "输入剖析",
    "bert_sub_masking": "掩码过程",
    "bert_sub_nsp": "下一句预测",
    "bert_sub_attention": "注意力",
    "bert_sub_check": "论文核对",
    "bert_fill_intro": (
        "写一个含有一个或多个 `[MASK]` 的句子；模型为每个掩码给出最可能的 WordPiece。与预训练一样，每个掩码单独预测。"
        "内置模型只做了一个 CPU 小时的预训练（BERT-BASE：16 块 TPU 芯片训练 4 天），所以多半给出常见词；"
        "实测成绩见*论文核对*。来自 Hub 的 `bert-base-uncased` 的回答与论文中的模型一致。"
    ),
    "bert_sentence": "句子",
    "bert_topk": "前 k 个",
    "bert_fill_go": "预测",
    "bert_examples": "示例",
    "bert_examples_zh": "示例（中文）",
    "bert_nsp_untrained": (
        "**{name}** 发布时没有训练好的下一句预测头，因此没有 P(IsNext) 可显示：这里的数字没有意义（未训练的头）。"
        "请选择带有 NSP 头的模型（内置模型、`bert_base.uncased` 或 `bert_base.chinese`）。"
    ),
    "bert_predictions": "预测结果（JSON）",
    "bert_fill_md": "**填入第一候选：** {filled}  \n共 {n} 个掩码。",
    "bert_fill_independent": "多个掩码是*独立*预测的（每个都把其他掩码看作 `[MASK]`）：各自的第一候选放在一起未必通顺。",
    "bert_mask_n": "[MASK] #{n}（位置 {pos}）",
    "bert_anatomy_intro": (
        "论文图 2 的输入表示，由你的文本画出：WordPiece 子词（`##` 表示接续前一个子词）、开头的 `[CLS]`、"
        "每句后的 `[SEP]`；每个词元的输入向量 = 词元嵌入 + 句段嵌入（A 或 B）+ 位置嵌入。"
    ),
    "bert_sentence_a": "句子 A",
    "bert_sentence_b": "句子 B（可选）",
    "bert_sentence_b_nsp": "句子 B",
    "bert_anatomy_go": "显示输入",
    "bert_anatomy_table": "子词",
    "bert_col_position": "位置",
    "bert_col_piece": "子词",
    "bert_col_id": "编号",
    "bert_col_segment": "句段",
    "bert_row_input": "输入",
    "bert_row_token": "词元嵌入",
    "bert_row_segment": "句段嵌入",
    "bert_row_position": "位置嵌入",
    "bert_fig2_caption": "三行相加，就是第一层 Transformer 收到的输入（图 2）。",
    "bert_masking_intro": (
        "预训练遮住 15% 的词元：被选中的词元中 80% 换成 `[MASK]`，10% 换成随机词元，10% 保持不变"
        "（§3.1，这样模型不能只依赖看到 `[MASK]`）。改变随机种子可重新抽取；随后模型尝试还原每个被选中的词元。"
    ),
    "bert_seed": "随机种子",
    "bert_masking_go": "遮盖并还原",
    "bert_masking_table": "被选中的词元",
    "bert_col_original": "原词元",
    "bert_col_kind": "替换为",
    "bert_col_shown": "模型看到",
    "bert_col_guess": "模型第一候选",
    "bert_col_ok": "正确？",
    "bert_kind_1": "[MASK]（80%）",
    "bert_kind_2": "随机词元（10%）",
    "bert_kind_3": "不变（10%）",
    "bert_masking_md": "{real} 个词元中选中 {n} 个（15%，四舍五入，至少一个）；模型还原了 **{n} 个中的 {right} 个**。",
    "bert_nsp_intro": (
        "句子 B 是否是文本中紧接在 A 之后的那一句？预训练中一半句对是真实的下一句（IsNext），"
        "另一半的 B 取自其他文档（NotNext）。答案来自池化后的 `[CLS]` 向量。"
    ),
    "bert_nsp_go": "预测",
    "bert_nsp_examples": "示例句对",
    "bert_nsp_result": "下一句预测",
    "bert_isnext": "IsNext（是下一句）",
    "bert_notnext": "NotNext（不是下一句）",
    "bert_nsp_md": "P(IsNext) = **{p:.1f}%** → {verdict}",
    "bert_attention_intro": (
        "**单层视图**：某一层中，左侧每个词元（查询）连向它所关注的右侧词元（键）；线条粗细与深浅即注意力权重，"
        "鼠标悬停可看数值。**全模型视图**：所有层（行）× 注意力头（列）；点击缩略图可放大。红框标出的头把一半以上"
        "注意力放在 `[CLS]`/`[SEP]` 上：这是已知的“空操作”模式（Clark 等，2019），并不代表语义。"
    ),
    "bert_attention_go": "显示注意力",
    "bert_layer": "层",
    "bert_head": "头",
    "bert_heads": "注意力头（全部/平均/单个）",
    "bert_pick_token": "选择一个词元（查询）",
    "bert_head_view": "单层视图",
    "bert_model_view": "全模型视图",
    "bert_enlarged": "放大的注意力头",
    "bert_png_model": "全模型视图（PNG）",
    "bert_png_head": "放大的注意力头（PNG）",
    "bert_head_md": "第 {layer} 层（共 {L} 层），{A} 个头。",
    "bert_head_truncated": "单层视图只画出 {T} 个词元中的前 {n} 个（全模型视图显示全部）。",
    "bert_token_md": "`{tok}` 最关注（{head}）：{top}",
    "bert_mean_heads": "各头平均",
    "bert_soak_layer": (
        "本层 **{A} 个头中有 {n} 个**把超过 {pct}% 的注意力放在 [CLS]/[SEP] 上{which}；"
        "全部 {L} 层 **{total} 个头中有 {flagged} 个**（全模型视图中的红框）。"
    ),
    "bert_soak_which": "（{heads}）",
    "bert_model_md": (
        "{L} 层 × {A} 个头，共 {T} 个词元。**{total} 个头中有 {flagged} 个**把超过 {pct}% 的注意力放在 [CLS]/[SEP] 上"
        "（红框；按层，从第 1 层起：{by_layer}）。平均有 {cls:.0f}% 的注意力落在 [CLS]，{sep:.0f}% 落在 [SEP]。每个缩略图的颜色相对于其自身的最大权重。"
    ),
    "bert_heat_axes": "行 = 查询（发出注意力的词元），列 = 键（被关注的词元）；颜色相对于最大权重；鼠标悬停单元格可看数值。",
    "bert_check_intro": (
        "由我们的模块数出论文中两种规模的参数量（BertModel：嵌入、编码器、池化层；与通常所说的 110M / 340M 一样"
        "不含 MLM 和 NSP 头），粗略公式 V·H + L·12H²，模型规模消融实验（表 6）的六种规模，由我们的掩码函数实测的掩码比例，"
        "以及内置模型的预训练成绩。"
    ),
    "bert_check_go": "核对",
    "bert_col_model": "模型",
    "bert_col_ours": "我们（实数）",
    "bert_col_formula": "V·H + L·12H²",
    "bert_col_paper": "论文",
    "bert_col_gap": "差距",
    "bert_col_why": "原因",
    "bert_why_params": "bert-base/large-uncased 的精确参数量（词表 30,522）；公式未计入 512 个位置嵌入和 2 个句段嵌入、偏置、LayerNorm 和池化层；论文取了整数。",
    "bert_loaded": "当前模型（L={L}, H={H}, A={A}）",
    "bert_table6_row": "表 6：L={L}, H={H}, A={A}",
    "bert_why_table6": (
        "模型规模消融实验（表 6）中的一种规模，由我们的模块统计（前馈层 4H，词表 30,522）；论文只给出了 BASE 和 LARGE "
        "的参数量。表中的语言模型困惑度和开发集准确率需要对每种规模预训练并微调：此处不复现。"
    ),
    "bert_fig1_mlm": "图 1 — 预训练（1/2）：掩码语言模型遮住 15% 的词元（80/10/10）",
    "bert_fig1_nsp": "图 1 — 预训练（2/2）：由 [CLS] 做下一句预测",
    "bert_fig2": "图 2 — 输入表示：词元嵌入 + 句段嵌入 + 位置嵌入",
    "bert_table6": "表 6 — 模型规模（L, H, A）：由我们的模块统计的参数量",
    "bert_why_loaded": "正在使用的模型；词表 {V:,} 个子词",
    "bert_rates_md": (
        "**实测掩码比例**（`mask_tokens`，共 {n:,} 个被选词元）：选中真实词元的 {chosen:.2f}%（论文 15%）；其中 "
        "[MASK] {mask:.1f}%（80%），随机 {random:.1f}%（10%），不变 {kept:.1f}%（10%）。"
    ),
    "bert_scores_md": (
        "**内置模型的预训练成绩**（5 部训练中从未见过的小说；{n:,} 个被遮词元）：MLM 第一候选准确率 **{acc:.1f}%** "
        "{ok_acc}（目标 ≥ 35%），困惑度 {ppl:.1f}；NSP **{nsp:.1f}%** {ok_nsp}（目标 ≥ 80%）。领域外的 WikiText-2 "
        "验证集：MLM {wacc:.1f}%，困惑度 {wppl:.1f}，NSP {wnsp:.1f}%。训练量：{steps:,} 步，{threads} 个 CPU 线程 {minutes} 分钟，"
        "{tokens:.1f} M 词元（BERT-BASE：1 M 步 × 256 × 512 ≈ 131,000 M）。"
    ),
    "bert_no_log": "缺少内置模型的训练日志。",
    "bert_err_weights": "未知的权重。请选择：{names}。",
    "bert_err_type": "请输入文本。",
    "bert_err_empty": "请先输入一个句子。",
    "bert_err_empty_b": "也请输入句子 B：下一句预测需要一对句子。",
    "bert_err_chars": "这段文本有 {n:,} 个字符，上限是 {max:,}。请缩短。",
    "bert_err_long": "这段输入有 {n} 个 WordPiece 词元（含 [CLS] 和 [SEP]），但此模型最多读 {max} 个。请缩短文本。",
    "bert_err_allunk": "模型不认识这些字符：每个子词都成了 [UNK]。请试试英文单词。",
    "bert_err_nomask": "句子里没有 [MASK]。请在要猜的词的位置写上 [MASK]，例如 “She opened the [MASK].”",
    "bert_err_topk": "前 k 个必须是 {lo} 到 {hi} 之间的整数。",
    "bert_err_seed": "随机种子必须是 {lo} 到 {hi} 之间的整数。",
    "bert_err_layer": "层必须是 {lo} 到 {hi} 之间的整数。",
    "bert_err_head": "注意力头必须是 'all'、'mean' 或 1 到 {A} 之间的数。",
    "bert_err_token": "词元必须是 'all' 或 0 到 {T} 之间的位置。",
    "quiz_bert_q": "BERT 会在这里填什么：“She opened the [MASK] and walked into the room.”？",
    "quiz_bert_door": "door（门）",
    "quiz_bert_window": "window（窗）",
    "quiz_bert_the": "the（冠词）",
    "quiz_bert_comma": "“,”（逗号）",
    "quiz_bert_result": (
        "应用自带的模型（**{name}**）对 “{sentence}” 中 [MASK] 的前 5 名：{top5}。四个选项在所有词片中的名次（概率）：{yours}。"
    ),
    "quiz_bert_why_frequency": (
        "这个小 BERT（只在 CPU 上预训练了 {minutes} 分钟；留出集上的掩码猜对 {acc}%）几乎不管上下文，"
        "都把最常见的词片排在最前；句子本身暗示的词排得很靠后。*论文核对* 把它与论文作了比较。"
    ),
    "quiz_bert_why_context": "模型跟随了上下文：句子暗示的词排在第一。",
}

register(EN, ZH)
