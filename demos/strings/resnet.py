"""The ResNet tab's strings (English, Chinese), registered when this module is imported, with the
embedded models' measured errors filled into `rn_classify_md` from the catalogue."""

from demos.i18n import register
from models import hub

EN = {
    "rn_claim": (
        "## Deep Residual Learning (He et al., 2015)\n"
        "**The paper's claim.** Stacking more layers onto a plain network makes it *worse*, even on "
        "the training set (the *degradation* problem: not overfitting, an optimization difficulty). "
        "Letting each block learn a residual F(x) = H(x) − x and adding the input back through an "
        "identity shortcut, y = F(x) + x (Eq. 1), removes the problem: deeper ResNets train better "
        "and cost fewer FLOPs than VGG (ResNet-152: 11.3 GFLOPs vs VGG-19: 19.6)."
    ),
    "rn_sub_curves": "Degradation (Fig. 6)",
    "rn_sub_live": "Run it yourself",
    "rn_sub_why": "Why it works",
    "rn_sub_classify": "Classify",
    "rn_sub_arch": "Architecture",
    "rn_sub_check": "Paper check",
    "rn_curves_md": (
        "**Our recorded run:** {budget}. Recipe: {recipe}.\n\n"
        "Final errors (%):\n\n| net | train | test | test, 1,000 lossless |\n|---|---|---|---|\n{rows}\n\n"
        "**The paper's finding, checked on this run:**\n{verdict}\n\n"
        "Paper (full schedule, 164 epochs): ResNet-20/32/44/56 test error 8.75 / 7.51 / 7.17 / 6.97 %"
        " (Table 6); plain-56 has higher training *and* test error than plain-20 (Fig. 6 left)."
    ),
    "rn_reduced": "reduced budget: a subset of CIFAR-10 and few epochs (details below the plot)",
    "rn_fig_budget": (
        "{n:,} training images, {epochs} epochs per net (the paper: 50,000 images, 64k iterations"
        " ≈ 164 epochs); details below the plot"
    ),
    "rn_live_table_head": "| net | loss | test acc. |",
    "rn_budget": (
        "{n:,} training images, {epochs} epochs = {iters:,} iterations of batch {batch} per net "
        "(the paper: 50,000 images, 64,000 iterations); test error on {test:,} images of the test set"
    ),
    "rn_recipe": (
        "SGD with momentum {momentum}, weight decay {wd}, learning rate {lr} with a {warmup}-epoch "
        "linear warm-up and cosine decay to 0; {pad}-px padding, random crop and flip; one recipe "
        "for all nets"
    ),
    "rn_check_plain56_train_error_above_plain20": (
        "plain-56 ends with a higher training error than plain-20 (degradation)"
    ),
    "rn_check_plain56_above_plain20_from_epoch_5": (
        "plain-56's training error stays above plain-20's from epoch 5 on"
    ),
    "rn_check_resnet56_train_error_below_resnet20": (
        "ResNet-56 ends with a lower training error than ResNet-20 (depth helps)"
    ),
    "rn_check_resnet56_test_error_at_most_12": (
        "ResNet-56 ends at most 12 % test error (the paper, full schedule: 6.97 %)"
    ),
    "rn_curves_missing": "The recorded curves are not in this copy of the app (weights/resnet_curves/curves.json).",
    "rn_live_md": (
        "Train a plain net and a ResNet of the same depth side by side, on the same batches, on "
        "the 1,797 8×8 handwritten digits that ship with scikit-learn (a 20-layer plain net runs "
        "too, as the shallow reference). The default is shown instantly from a recorded run; "
        "**Run** trains them live (one run at a time on a shared server; **Stop** ends it)."
    ),
    "rn_depth": "Depth (6n+2 layers)",
    "rn_steps": "Training steps",
    "rn_run": "Run",
    "rn_stop": "Stop",
    "rn_live_status": "Status",
    "rn_live_training": "training",
    "rn_live_progress": "Training… step {step} of {steps}",
    "rn_live_done": "Finished: {depth} layers, {steps} steps in {seconds:.0f} s, on this server now.",
    "rn_live_cached": (
        "Recorded run with the default settings ({depth} layers, {steps} steps). It took "
        "{seconds:.0f} s when it was recorded: {date}, {machine}, {threads} threads, load average "
        "{load:.1f}. The time depends on the machine and on what else runs on it: press **Run** to "
        "train live and time it on this server."
    ),
    "rn_machine": "{cpu}, {cores} CPU cores",
    "rn_cpu_unknown": "CPU model not recorded",
    "rn_date_unknown": "date not recorded",
    "rn_live_nocache": "No recorded default run in this copy; press **Run** to train live.",
    "rn_grad_md": (
        "**Gradient norms per layer** (‖∂loss/∂W‖ of every conv, log scale), for a plain and a residual "
        "net of the same depth, at initialization or after a few SGD steps. In a deep plain net the "
        "gradient changes by orders of magnitude from the last layer to the first: at initialization "
        "it grows toward the input (with BN the signal does not vanish, as §4.1 notes), after a few "
        "steps the first layers receive almost nothing. Through the identity shortcuts every layer "
        "gets a gradient of the same order: try 56 layers at 0 and then at 50 steps."
    ),
    "rn_grad_steps": "after SGD steps",
    "rn_grad_run": "Compute",
    "rn_grad_title": "{depth} layers, after {steps} SGD steps",
    "rn_resp_md": (
        "**Fig. 7: layer responses.** The std of each 3×3 layer's output (after BN, before the "
        "ReLU/addition). Residual functions are closer to zero than the plain net's layers: the "
        "paper's evidence that the residual formulation is a good preconditioning. Source: {source}"
    ),
    "rn_resp_missing": "The recorded layer responses are not in this copy (weights/resnet_curves/responses.json).",
    "rn_classify_md": (
        "Upload, paste or take a photo. The embedded models are CIFAR-10 ResNets trained by this project, "
        "ResNet-56 (the default: {e56}% error on the JPEG test copy, {l56}% on the 1,000 lossless test images, "
        "target ≤ {target}%: {ok56}) and ResNet-20 ({e20}% and {l20}%); the paper, lossless: 6.97% and 8.75% (see "
        "their model cards); 10 classes: airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck; "
        "the ImageNet ResNets (1,000 classes) are used instead wherever they are on this computer (or "
        "once downloaded): real photos are not 32×32 CIFAR images. "
        "The image is resized, center-cropped and normalized exactly as the weights were trained; the "
        "heat map (Grad-CAM) shows where the last stage looked for the top class."
    ),
    "rn_image": "Image",
    "rn_weights": "Weights",
    "rn_out_of_class": (
        "**Why “{top}” ({p:.0f}%)?** This photo shows {subject}, which is not one of CIFAR-10's "
        "10 classes ({classes}). A 10-class model has no “none of these”: it must pick one of its "
        "classes, and its probabilities add up to 100% over those ten whatever the photo shows. "
        "The number says which class the photo resembles most, not that it is one. Try the cat or "
        "the horse, or an ImageNet model (1,000 classes)."
    ),
    "rn_subject_cat": "a cat",
    "rn_subject_horse": "a horse",
    "rn_subject_coffee": "a cup of coffee",
    "rn_subject_rocket": "a rocket",
    "rn_subject_astronaut": "an astronaut",
    "rn_subject_motorcycle": "a motorcycle",
    "rn_subject_camera": "a man with a camera",
    "rn_classify": "Classify",
    "rn_top5": "Top-5",
    "rn_examples": "Examples (photos that ship with scikit-image)",
    "rn_cam": "Grad-CAM: where the network looked",
    "rn_seen": "Your image ({w}×{h}) was resized and center-cropped to the {s}×{s} input the network sees.",
    "rn_arch_md": (
        "**{name}**: {depth} weighted layers, {block} blocks, shortcut option {shortcut}, "
        "input {size}×{size}. Counted from the module: **{params:.2f} M parameters, "
        "{gflops:.3f} GFLOPs** (multiply-adds of conv and fc layers, as Table 1 counts them)."
    ),
    "rn_arch": "Network",
    "rn_stage_table": "Stages (Table 1)",
    "rn_table3_md": (
        "**Shortcut options (§3.3, Table 3)**: A, zero-padding for increasing dimensions, all "
        "shortcuts parameter-free; B, projections for increasing dimensions, identities otherwise; "
        "C, all shortcuts are projections. ImageNet validation error, 10-crop (%), from the paper:"
    ),
    "rn_check_md": (
        "Parameter counts and FLOPs counted from our module (architecture only, instant) beside "
        "the paper's Table 1 and Table 6. Within 5% counts as agreeing; larger gaps are explained."
    ),
    "rn_why_ok": "agrees (within 5%)",
    "rn_why_v15": (
        "torchvision's layout (\"V1.5\") strides the bottleneck's 3×3 conv; with the paper's "
        "stride on the first 1×1 conv our module gives {v1:.2f} GFLOPs"
    ),
    "rn_why_round": "the paper rounds",
    "rn_err_noimage": "Please upload, paste or take an image first.",
    "rn_err_notimage": "This file is not an image that can be read ({err}). Please use a PNG, JPEG, WebP, GIF, BMP or TIFF file.",
    "rn_err_toolarge": "This image is too large ({w}×{h}); the limit is {mp} megapixels. Please use a smaller image.",
    "rn_err_weights": "Unknown weights; choose one of: {names}.",
    "rn_err_depth": "Depth must be one of {depths}.",
    "rn_err_steps": "Steps must be between 10 and {max}.",
    "rn_err_gsteps": "Steps must be between 0 and 200.",
    "rn_err_arch": "Unknown network; choose one of: {names}.",
    "rn_fig1": "Fig. 1 — plain-20 vs plain-56 on CIFAR-10: the deeper plain net has the higher error (recorded run)",
    "rn_fig4": "Fig. 4 — a plain net and a ResNet of the same depth, trained side by side (recorded run)",
    "rn_fig6": "Fig. 6 — CIFAR-10 training curves: plain-20/56 and ResNet-20/56 (recorded run)",
    "rn_fig7": "Fig. 7 — layer responses: std of each 3×3 layer's output, plain vs ResNet",
    "rn_table1": "Table 1 — the architectures: stages, parameters and FLOPs (ResNet-50)",
    "quiz_rn_q": "After training, which has the higher training error: plain-20 or plain-56?",
    "quiz_rn_c20": "plain-20",
    "quiz_rn_c56": "plain-56",
    "quiz_rn_csame": "about the same",
    "quiz_rn_result": (
        "Our recorded run (its curves and budget in *Degradation (Fig. 6)*), final training error: "
        "plain-20 **{p20:.1f}%**, plain-56 **{p56:.1f}%** (test error {t20:.1f}% and {t56:.1f}%). "
        "With identity shortcuts: ResNet-20 {r20:.1f}%, ResNet-56 {r56:.1f}%."
    ),
    "quiz_rn_why_degradation": (
        "The deeper plain net is worse on the very images it is trained on: not overfitting but an "
        "optimization difficulty, the *degradation* the paper's Fig. 6 shows. ResNets remove it."
    ),
    "quiz_rn_why_none": "This recorded run does not show the paper's degradation (see the curves).",
}

ZH = {
    "rn_claim": (
        "## 深度残差学习（He 等，2015）\n"
        "**论文的结论。** 在普通（plain）网络上堆叠更多层会让它变得*更差*，连训练集上的误差都更高"
        "（即*退化*问题：不是过拟合，而是优化困难）。让每个模块学习残差 F(x) = H(x) − x，"
        "再通过恒等捷径把输入加回去，y = F(x) + x（式 1），问题就消失了：更深的 ResNet 训练得更好，"
        "而且计算量比 VGG 更少（ResNet-152：11.3 GFLOPs，VGG-19：19.6）。"
    ),
    "rn_sub_curves": "退化问题（图 6）",
    "rn_sub_live": "亲手试一试",
    "rn_sub_why": "为什么有效",
    "rn_sub_classify": "图像分类",
    "rn_sub_arch": "网络结构",
    "rn_sub_check": "核对论文",
    "rn_curves_md": (
        "**我们记录的训练：** {budget}。训练方法：{recipe}。\n\n"
        "最终误差（%）：\n\n| 网络 | 训练 | 测试 | 测试（1,000 张无损） |\n|---|---|---|---|\n{rows}\n\n"
        "**在这次训练上核对论文的发现：**\n{verdict}\n\n"
        "论文（完整训练，164 个 epoch）：ResNet-20/32/44/56 的测试误差为 8.75 / 7.51 / 7.17 / 6.97 %"
        "（表 6）；plain-56 的训练误差和测试误差都高于 plain-20（图 6 左）。"
    ),
    "rn_reduced": "缩减的预算：CIFAR-10 的子集、较少的 epoch（详见图下方）",
    "rn_fig_budget": (
        "{n:,} 张训练图像，每个网络 {epochs} 个 epoch（论文：50,000 张图像，64k 次迭代 ≈ 164 个 epoch）；"
        "详见图下方"
    ),
    "rn_live_table_head": "| 网络 | 损失 | 测试准确率 |",
    "rn_budget": (
        "{n:,} 张训练图像，{epochs} 个 epoch，即每个网络 {iters:,} 次迭代、每批 {batch} 张"
        "（论文：50,000 张图像，64,000 次迭代）；测试错误率在测试集的 {test:,} 张图像上测得"
    ),
    "rn_recipe": (
        "SGD，动量 {momentum}，权重衰减 {wd}，学习率 {lr}，先线性预热 {warmup} 个 epoch，再余弦衰减到 0；"
        "四周补 {pad} 像素后随机裁剪并水平翻转；所有网络用同一套训练方法"
    ),
    "rn_check_plain56_train_error_above_plain20": "plain-56 最终的训练误差高于 plain-20（退化）",
    "rn_check_plain56_above_plain20_from_epoch_5": "从第 5 个 epoch 起，plain-56 的训练误差一直高于 plain-20",
    "rn_check_resnet56_train_error_below_resnet20": "ResNet-56 最终的训练误差低于 ResNet-20（更深更好）",
    "rn_check_resnet56_test_error_at_most_12": "ResNet-56 最终的测试误差不超过 12 %（论文完整训练：6.97 %）",
    "rn_curves_missing": "此副本中没有记录的训练曲线（weights/resnet_curves/curves.json）。",
    "rn_live_md": (
        "在 scikit-learn 自带的 1,797 张 8×8 手写数字上，用相同的批次并排训练同样深度的普通网络和 ResNet"
        "（另有一个 20 层普通网络作为浅层参照）。默认设置的结果来自一次记录的运行，立即显示；"
        "**运行** 会现场训练（共享服务器上一次只运行一个；**停止** 可随时结束）。"
    ),
    "rn_depth": "深度（6n+2 层）",
    "rn_steps": "训练步数",
    "rn_run": "运行",
    "rn_stop": "停止",
    "rn_live_status": "状态",
    "rn_live_training": "训练中",
    "rn_live_progress": "训练中… 第 {step} / {steps} 步",
    "rn_live_done": "完成：{depth} 层，{steps} 步，在本服务器上现场用时 {seconds:.0f} 秒。",
    "rn_live_cached": (
        "默认设置下记录的运行（{depth} 层，{steps} 步）。记录时用时 {seconds:.0f} 秒：{date}，{machine}，"
        "{threads} 个线程，平均负载 {load:.1f}。用时取决于机器以及机器上同时运行的其他程序：按 **运行** "
        "现场训练，并在本服务器上计时。"
    ),
    "rn_machine": "{cpu}，{cores} 个 CPU 核",
    "rn_cpu_unknown": "CPU 型号未记录",
    "rn_date_unknown": "日期未记录",
    "rn_live_nocache": "此副本中没有记录的默认运行；按 **运行** 现场训练。",
    "rn_grad_md": (
        "**每层的梯度范数**（每个卷积层的 ‖∂loss/∂W‖，对数坐标），比较同样深度的普通网络和残差网络，"
        "可以看初始化时，也可以看训练几步 SGD 之后。在很深的普通网络里，从最后一层到第一层，梯度相差几个数量级："
        "初始化时它朝输入方向变大（有 BN 时信号不会消失，正如 §4.1 所说），训练几步之后前几层几乎得不到梯度。"
        "有了恒等捷径，每一层得到的梯度都在同一个量级：试试 56 层、0 步，再试 50 步。"
    ),
    "rn_grad_steps": "SGD 训练步数",
    "rn_grad_run": "计算",
    "rn_grad_title": "{depth} 层，{steps} 步 SGD 之后",
    "rn_resp_md": (
        "**图 7：层响应。** 每个 3×3 层输出（BN 之后、ReLU/相加之前）的标准差。残差函数比普通网络的层更接近零："
        "这是论文用来说明残差形式是一种良好预处理的证据。数据来源：{source}"
    ),
    "rn_resp_missing": "此副本中没有记录的层响应（weights/resnet_curves/responses.json）。",
    "rn_classify_md": (
        "上传、粘贴或拍一张照片。内置模型是本项目训练的 CIFAR-10 ResNet：ResNet-56（默认：在 JPEG 测试集副本上误差 {e56}%，"
        "在 1,000 张无损测试图像上 {l56}%，目标 ≤ {target}%：{ok56}）和 ResNet-20（{e20}% 与 {l20}%）；论文（无损）为 6.97% 与 8.75%"
        "（见模型卡）；10 类：飞机、汽车、鸟、猫、鹿、狗、青蛙、马、船、卡车；"
        "ImageNet ResNet（1,000 类）只要已在本机（或下载之后）就会代替它们使用：真实照片并不是 32×32 的 CIFAR 图像。图像按权重训练时的方式缩放、中心裁剪并归一化；"
        "热力图（Grad-CAM）显示最后一个阶段为最高类别关注了哪里。"
    ),
    "rn_image": "图像",
    "rn_weights": "权重",
    "rn_out_of_class": (
        "**为什么是“{top}”（{p:.0f}%）？** 这张照片是{subject}，不属于 CIFAR-10 的 10 个类别（{classes}）。"
        "10 类模型没有“都不是”这个选项：它只能在自己的类别中选一个，而且无论照片是什么，这十类的概率加起来总是 100%。"
        "这个数字说明照片最像哪一类，而不是说它就是那一类。试试猫或马，或者换用 ImageNet 模型（1,000 类）。"
    ),
    "rn_subject_cat": "一只猫",
    "rn_subject_horse": "一匹马",
    "rn_subject_coffee": "一杯咖啡",
    "rn_subject_rocket": "一枚火箭",
    "rn_subject_astronaut": "一位宇航员",
    "rn_subject_motorcycle": "一辆摩托车",
    "rn_subject_camera": "一个拿着相机的人",
    "rn_classify": "分类",
    "rn_top5": "前 5 名",
    "rn_examples": "示例（scikit-image 自带的照片）",
    "rn_cam": "Grad-CAM：网络看了哪里",
    "rn_seen": "你的图像（{w}×{h}）被缩放并中心裁剪为网络看到的 {s}×{s} 输入。",
    "rn_arch_md": (
        "**{name}**：{depth} 个带权重的层，{block} 模块，捷径选项 {shortcut}，输入 {size}×{size}。"
        "由模块统计：**{params:.2f} M 参数，{gflops:.3f} GFLOPs**（卷积层和全连接层的乘加次数，与表 1 的统计方式相同）。"
    ),
    "rn_arch": "网络",
    "rn_stage_table": "各阶段（表 1）",
    "rn_table3_md": (
        "**捷径选项（§3.3，表 3）**：A，维度增加时补零，所有捷径都不含参数；B，维度增加时用投影，其余为恒等；"
        "C，所有捷径都是投影。论文中的 ImageNet 验证集误差（10-crop，%）："
    ),
    "rn_check_md": "由我们的模块统计的参数量和 FLOPs（只看结构，即时计算），与论文表 1 和表 6 对照。差距在 5% 以内视为一致；更大的差距会给出解释。",
    "rn_why_ok": "一致（5% 以内）",
    "rn_why_v15": "torchvision 的结构（“V1.5”）把步长放在瓶颈模块的 3×3 卷积上；若按论文放在第一个 1×1 卷积上，我们的模块得到 {v1:.2f} GFLOPs",
    "rn_why_round": "论文做了四舍五入",
    "rn_err_noimage": "请先上传、粘贴或拍摄一张图像。",
    "rn_err_notimage": "无法把这个文件当作图像读取（{err}）。请使用 PNG、JPEG、WebP、GIF、BMP 或 TIFF 文件。",
    "rn_err_toolarge": "图像太大（{w}×{h}）；上限为 {mp} 百万像素。请使用较小的图像。",
    "rn_err_weights": "未知的权重；请从以下选择：{names}。",
    "rn_err_depth": "深度必须是 {depths} 之一。",
    "rn_err_steps": "步数必须在 10 到 {max} 之间。",
    "rn_err_gsteps": "步数必须在 0 到 200 之间。",
    "rn_err_arch": "未知的网络；请从以下选择：{names}。",
    "rn_fig1": "图 1 — CIFAR-10 上的 plain-20 与 plain-56：更深的普通网络误差更高（记录的训练）",
    "rn_fig4": "图 4 — 同样深度的普通网络与 ResNet 并排训练（记录的运行）",
    "rn_fig6": "图 6 — CIFAR-10 训练曲线：plain-20/56 与 ResNet-20/56（记录的训练）",
    "rn_fig7": "图 7 — 层响应：每个 3×3 层输出的标准差，普通网络与 ResNet 对比",
    "rn_table1": "表 1 — 网络结构：各阶段、参数量与 FLOPs（ResNet-50）",
    "quiz_rn_q": "训练之后，plain-20 和 plain-56 哪个的训练误差更高？",
    "quiz_rn_c20": "plain-20",
    "quiz_rn_c56": "plain-56",
    "quiz_rn_csame": "差不多",
    "quiz_rn_result": (
        "我们记录的训练（曲线及其预算见 *退化问题（图 6）*），最终训练误差：plain-20 **{p20:.1f}%**，"
        "plain-56 **{p56:.1f}%**（测试误差 {t20:.1f}% 和 {t56:.1f}%）。有恒等捷径时：ResNet-20 {r20:.1f}%，"
        "ResNet-56 {r56:.1f}%。"
    ),
    "quiz_rn_why_degradation": (
        "更深的普通网络在它自己的训练图像上反而更差：这不是过拟合，而是优化困难，也就是论文图 6 所示的*退化*问题。"
        "ResNet 消除了它。"
    ),
    "quiz_rn_why_none": "这次记录的训练没有出现论文所说的退化（见曲线）。",
}


TARGET_LOSSLESS1K = 7.5  # issue #14: the default classifier's error (%) on the lossless 1,000


def _with_measured(table: dict[str, str], verdict: dict[bool, str]) -> dict[str, str]:
    """The embedded models' measured test errors (JPEG 10k test copy, lossless 1k), from their
    catalogue rows, and whether the default meets its target."""
    meta = {name: e.meta for name, e in hub.read_catalogue().items()}
    r56, r20 = meta["resnet56.cifar10"], meta["resnet20.cifar10"]
    md = table["rn_classify_md"].format(
        e56=f"{r56['test_error_jpeg10k']:.2f}",
        l56=f"{r56['test_error_lossless1k']:.2f}",
        e20=f"{r20['test_error_jpeg10k']:.2f}",
        l20=f"{r20['test_error_lossless1k']:.2f}",
        target=TARGET_LOSSLESS1K,
        ok56=verdict[r56["test_error_lossless1k"] <= TARGET_LOSSLESS1K],
    )
    return {**table, "rn_classify_md": md}


register(
    _with_measured(EN, {True: "met", False: "missed"}),
    _with_measured(ZH, {True: "已达到", False: "未达到"}),
)
