/** Feed bytes → text: BOM, then HTTP charset, then XML declaration, then sniffing; mojibake repair. */
import iconv from 'iconv-lite';

export interface DecodedFeed {
  text: string;
  /** Canonical name of the encoding actually used (e.g. 'utf-8', 'windows-1251'). */
  encoding: string;
}

// Browsers treat these labels as windows-1252, and real feeds that say ISO-8859-1 use 0x80–0x9F for
// curly quotes and dashes, so decoding them as Latin-1 would produce C1 control characters.
const ALIASES: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  iso8859_1: 'windows-1252',
  'iso8859-1': 'windows-1252',
  'iso_8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  l1: 'windows-1252',
  cp819: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  'ansi_x3.4-1968': 'windows-1252',
  cp1252: 'windows-1252',
  'x-cp1252': 'windows-1252',
  utf8: 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
  gb2312: 'gb18030',
  gbk: 'gb18030',
  'x-gbk': 'gb18030',
  'euc-cn': 'gb18030',
  cp936: 'gb18030',
  'gb_2312-80': 'gb18030',
  chinese: 'gb18030',
  'big5-hkscs': 'big5hkscs',
  'x-sjis': 'shift_jis',
  sjis: 'shift_jis',
  'shift-jis': 'shift_jis',
  ms_kanji: 'shift_jis',
  'windows-31j': 'cp932',
  'ks_c_5601-1987': 'cp949',
  'x-euc-kr': 'euc-kr',
  'x-euc-jp': 'euc-jp',
  koi8r: 'koi8-r',
  'x-mac-cyrillic': 'maccyrillic',
  'tis-620': 'tis620',
  'windows-874': 'cp874',
  ucs2: 'utf-16',
  'ucs-2': 'utf-16',
  'iso-10646-ucs-2': 'utf-16',
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Normalises a charset label to a name iconv-lite decodes, or null when unknown. */
export function normaliseCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const clean = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (!clean) return null;
  const name = ALIASES[clean] ?? clean;
  return iconv.encodingExists(name) ? name : null;
}

/** Reads `charset=` from a Content-Type header value. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType);
  return match?.[2] ?? null;
}

/** Reads the encoding pseudo-attribute of an ASCII-compatible XML declaration (broken ones too). */
export function charsetFromXmlDeclaration(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const match = /^[^<]{0,200}<\?[a-z]*xml\b[^>]*?\bencoding\s*=\s*["']?([A-Za-z0-9._:-]+)/i.exec(head);
  return match?.[1] ?? null;
}

interface Bom {
  encoding: string;
  length: number;
}

function detectBom(b: Uint8Array): Bom | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { encoding: 'utf-32le', length: 4 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { encoding: 'utf-32be', length: 4 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** UTF-16/32 without a BOM, recognised by where the zero bytes of ASCII markup fall. */
function sniffWideEncoding(b: Uint8Array): string | null {
  const n = Math.min(b.length, 512) & ~3;
  if (n < 4) return null;
  const zeros = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (b[i] === 0) zeros[i & 3] = (zeros[i & 3] ?? 0) + 1;
  const quarter = n / 4;
  const [z0 = 0, z1 = 0, z2 = 0, z3 = 0] = zeros;
  if (z0 > quarter * 0.9 && z1 > quarter * 0.9 && z3 < quarter * 0.5) return 'utf-32be';
  if (z2 > quarter * 0.9 && z3 > quarter * 0.9 && z0 < quarter * 0.5) return 'utf-32le';
  if (z0 + z2 > n * 0.4 && z1 + z3 < n * 0.1) return 'utf-16be';
  if (z1 + z3 > n * 0.4 && z0 + z2 < n * 0.1) return 'utf-16le';
  return null;
}

function tryUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80) return true;
  return false;
}

const WIDE = new Set(['utf-16', 'utf-16le', 'utf-16be', 'utf-32', 'utf-32le', 'utf-32be']);
// Multi-byte legacy encodings that WHATWG TextDecoder can validate strictly.
const STRICT_LABEL: Record<string, string> = {
  gb18030: 'gb18030',
  big5: 'big5',
  big5hkscs: 'big5',
  shift_jis: 'shift_jis',
  cp932: 'shift_jis',
  'euc-jp': 'euc-jp',
  'euc-kr': 'euc-kr',
  cp949: 'euc-kr',
};

function decodesStrictly(bytes: Uint8Array, encoding: string): boolean {
  const label = STRICT_LABEL[encoding];
  if (!label) return true;
  try {
    new TextDecoder(label, { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// --- sniffing legacy encodings: decode with each candidate, score how language-like the result is.

const COMMON_HAN =
  '的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵硬麦蒋操耶阻订彩抽赞魔纷沿喊违妹浪汇币丰蓝殊献桌啦瓦莱援译夺汽烧距裁偏符勇触课敬哭懂墙袭召罚侠厅拜巧侧韩冒债曼融惯享戴童犹乘挂奖绍厚纵障讯涉彻刊丈爆乌役描洗玛患妙镜唱烦签仙彼弗症仿倾牌陷鸟轰咱菜闭奋庆撤泪茶疾缘播朗杜奶季丹狗尾仪偷奔珠虫驻孔宜艾桥淡翼恨繁寒伴叹旦愈潮粮缩罢聚径恰挑袋灰捕徐珍幕映裂泰隔启尖忠累炎暂估泛荒偿横拒瑞忆孤鼻闹羊呆厉衡胞零穷舍码赫婆魂灾洪腿胆津俗辩胸晓劲贫仁偶辑邦恢赖圈摸仰润堆碰艇稍迟辆废净凶署壁御奉旋冬矿抬蛋晨伏吹鸡倍糊秦盾杯租骑乏隆诊奴摄丧污渡旗甘耐凭扎抢绪粗肩梁幻菲皆碎宙叔岩荡综爬荷悉蒂返井壮薄悄扫敏碍殖详迪矛霍允幅撒剩凯颗骂赏液番箱贴漫酸郎腰舒眉忧浮辛恋餐吓挺励辞艘键伍峰尺昨黎辈贯侦滑券崇扰宪绕趋慈乔阅汗枝拖墨胁插箭腊粉泥氏彭拔骗凤慧媒佩愤扑龄驱惜豪掩兼跃尸肃帕驶堡届欣惠册储飘桑闲惨洁踪勃宾频仇磨递邪撞拟滚奏巡颜剂绩贡疯坡瞧截燃焦殿伪柳锁逼颇昏劝呈搜勤戒驾漂饮曹朵仔柔俩孟腐幼践籍牧凉牲佳娜浓芳稿竹腹跌逻垂遵脉貌柏狱猜怜惑陶兽帐饰贷昌叙躺钢沟寄扶铺邓寿惧询汤盗肥尝匆辉奈扣廷澳嘛董迁凝慰厌脏腾幽怨鞋丢埋泉涌辖躲晋紫艰魏吾慌祝邮吐狠鉴曰械咬邻赤挤弯椅陪割揭韦悟聪雾锋梯猫祥阔誉筹丛牵鸣沈阁穆屈旨袖猎臂蛇贺柱抛鼠瑟戈牢逊迈欺吨琴衰瓶恼燕仲诱狼池疼卢仗冠粒遥吕玄尘冯抚浅敦纠钻晶岂峡苍喷耗凌敲菌赔涂粹扁亏寂煤熊恭湿循暖糖赋抑秩帽哀宿踏烂袁侯抖夹昆肝擦猪炼恒慎搬纽纹玻渔磁铜齿跨押怖漠疲叛遣兹祭醉拳弥斜档稀捷肤疫肿豆削岗晃吞宏癌肚隶履涨耀扭坛拨沃绘伐堪仆郭牺歼墓雇廉契拼惩捉覆刷劫嫌瓜歇雕闷乳串娃缴唤赢莲霸桃妥瘦搭赴岳嘉舱俊址庞耕锐缝悔邀玲惟斥宅添挖呵讼氧浩羽斤酷掠妖祸侍乙妨贪挣汪尿莉悬唇翰仓轨枚盐览傅帅庙芬屏寺胖璃愚滴疏萧姿颤丑劣柯寸扔盯辱匹俱辨饿蜂哦腔郁溃谨糟葛苗肠忌溜鸿爵鹏鹰笼丘桂滋聊挡纲肌茨壳痕碗穴膀卓贤卧膜毅锦欠哩函茫昂薛皱夸豫胃舌剥傲拾窝睁携陵哼棉晴铃填饲渴吻扮逆脆喘罩卜炉柴愉绳胎蓄眠竭喂傻慕浑奸扇柜悦拦诞饱乾泡贼亭夕爹酬儒姻卵氛泄杆挨僧蜜吟猩遂狭肖甜霉滩袍聘沾魄岭贾卒贩勾斩缠嫁颈剪伞禾贞卑宴蕾蛮崩枯' +
  '這個們來為國說時會對於過發後裡種經麼學動現當沒還進樣開從實種從與長機點業兩間問題體產無應戰頭美見被親電關條報處話場變聽書麼請東們網際區號陸歲價買賣總統氣導訊視醫療連軍隊將鐵線運輸環境護權團結務員領導記錄較歷華顯誰讀寫興認為語語調查議論術類網頁';

const COMMON_HANGUL =
  '이다는의에하고을가한지로서기사를도대자수있리시정인으어국일나해아들과제전부게주니상스보장원적것세소우여성만내면라동신경연화중와요계위조방무구회공유거비트미선관실단물문마음없법그반모금학민입개당러분재간대통령총';

const LATIN_LETTERS = 'àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœšžÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŒŠŽ';
const TYPOGRAPHY = '‘’“”„–—…€«»°·©®™•¡¿£§¶';
// The frequent letters of Russian/Ukrainian; other alphabets mis-read as Cyrillic land on rare ones (ъ, ш, й…).
const CYRILLIC_COMMON = 'оеаинтсрвлкмдпуяыьгзбчіїє';
const CJK_PUNCT = '，。、：；！？“”（）《》「」『』・ー～【】…';

type Scorer = (text: string) => number;

function isAsciiLetter(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z]/.test(ch);
}

function isHighLetter(ch: string | undefined): boolean {
  return ch !== undefined && ch > '\u007f' && /\p{L}/u.test(ch);
}

/** Score in [−1, 1] per non-ASCII character: how likely the decoded text is real prose. */
function averageScore(
  text: string,
  weigh: (ch: string, prev: string | undefined, next: string | undefined) => number,
) {
  const chars = Array.from(text);
  let total = 0;
  let count = 0;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch < '\u0080') continue;
    count++;
    if (ch === '\uFFFD' || /[\u0080-\u009F\uE000-\uF8FF]/.test(ch)) total -= 1;
    else total += weigh(ch, chars[i - 1], chars[i + 1]);
  }
  return count === 0 ? 0 : total / count;
}

const latinScore: Scorer = (text) =>
  averageScore(text, (ch, prev, next) => {
    if (LATIN_LETTERS.includes(ch)) {
      // Cyrillic or Greek bytes read as Latin give runs of accented letters; real Latin text does not.
      return isHighLetter(prev) && isHighLetter(next) ? 0.1 : 1;
    }
    return TYPOGRAPHY.includes(ch) || ch === '\u00A0' ? 0.7 : 0;
  });

const cyrillicScore: Scorer = (text) =>
  averageScore(text, (ch, prev, next) => {
    const lower = ch.toLowerCase();
    if (!/[\u0400-\u04FF]/.test(ch)) return TYPOGRAPHY.includes(ch) || ch === '№' ? 0.7 : 0;
    // A Cyrillic letter glued to Latin letters is a Latin accent decoded with the wrong table.
    if (isAsciiLetter(prev) || isAsciiLetter(next)) return 0.1;
    const base = CYRILLIC_COMMON.includes(lower) ? 1 : 0.3;
    return ch === lower ? base : base * 0.4;
  });

const chineseScore: Scorer = (text) =>
  averageScore(text, (ch) => {
    if (COMMON_HAN.includes(ch) || CJK_PUNCT.includes(ch)) return 1;
    if (/[\u4E00-\u9FFF]/.test(ch)) return 0.2;
    return 0;
  });

const japaneseScore: Scorer = (text) =>
  averageScore(text, (ch) => {
    if (/[\u3041-\u309F]/.test(ch) || CJK_PUNCT.includes(ch)) return 1;
    if (/[\u30A0-\u30FF]/.test(ch)) return 0.7;
    if (COMMON_HAN.includes(ch)) return 0.5;
    if (/[\u4E00-\u9FFF]/.test(ch)) return 0.2;
    return 0;
  });

const koreanScore: Scorer = (text) =>
  averageScore(text, (ch) => {
    if (COMMON_HANGUL.includes(ch)) return 1;
    if (/[\uAC00-\uD7A3]/.test(ch)) return 0.6;
    if (CJK_PUNCT.includes(ch)) return 0.5;
    if (/[\u4E00-\u9FFF]/.test(ch)) return 0.1;
    return 0;
  });

/** Scorer for a single-byte alphabet: its letters count unless glued to Latin letters. */
function alphabetScore(letters: RegExp, core: RegExp): Scorer {
  return (text) =>
    averageScore(text, (ch, prev, next) => {
      if (!letters.test(ch)) return TYPOGRAPHY.includes(ch) ? 0.7 : 0;
      if (isAsciiLetter(prev) || isAsciiLetter(next)) return 0.1;
      return core.test(ch) ? 0.95 : 0.4;
    });
}

const CANDIDATES: ReadonlyArray<readonly [string, Scorer]> = [
  ['windows-1252', latinScore],
  ['windows-1251', cyrillicScore],
  ['koi8-r', cyrillicScore],
  ['gb18030', chineseScore],
  ['big5', chineseScore],
  ['shift_jis', japaneseScore],
  ['euc-jp', japaneseScore],
  ['euc-kr', koreanScore],
  // Core letters: Thai consonants, Hebrew letters, Arabic letters, Greek lowercase.
  ['tis620', alphabetScore(/[\u0E01-\u0E5B]/, /[\u0E01-\u0E2E]/)],
  ['windows-1255', alphabetScore(/[\u05B0-\u05F4]/, /[\u05D0-\u05EA]/)],
  ['windows-1256', alphabetScore(/[\u0621-\u06D3]/, /[\u0621-\u064A]/)],
  ['windows-1253', alphabetScore(/[\u0384-\u03CE]/, /[\u03AC-\u03CE]/)],
];

/** Picks the legacy encoding whose decoding of the non-ASCII parts reads most like real text. */
export function sniffLegacyEncoding(bytes: Uint8Array): string {
  // Sample: the first 64 KB is plenty to recognise a language and keeps sniffing cheap on big feeds.
  let sample = bytes.subarray(0, 65536);
  // Do not cut a multi-byte character in half at the end of the sample.
  while (sample.length > 0 && sample.length < bytes.length && (sample[sample.length - 1] ?? 0) >= 0x80) {
    sample = sample.subarray(0, sample.length - 1);
  }
  let best = 'windows-1252';
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const [encoding, score] of CANDIDATES) {
    if (!decodesStrictly(sample, encoding)) continue;
    const value = score(iconv.decode(Buffer.from(sample), encoding));
    if (value > bestScore + 0.05) {
      best = encoding;
      bestScore = value;
    }
  }
  return best;
}

function decodeWith(bytes: Uint8Array, encoding: string): string {
  const name =
    encoding === 'utf-16'
      ? wideDefault(bytes, 16)
      : encoding === 'utf-32'
        ? wideDefault(bytes, 32)
        : encoding;
  return iconv.decode(Buffer.from(bytes), name, { stripBOM: true });
}

function wideDefault(bytes: Uint8Array, bits: 16 | 32): string {
  const sniffed = sniffWideEncoding(bytes);
  if (sniffed?.startsWith(`utf-${bits}`)) return sniffed;
  return `utf-${bits}be`;
}

/**
 * Decodes feed bytes to text: BOM, HTTP charset, XML declaration, then sniffing. A declared charset
 * that the bytes contradict (declared Latin-1 but valid multi-byte UTF-8, declared UTF-8 but invalid)
 * is overruled, as browsers and feed readers do.
 */
export function decodeFeedBytes(bytes: Uint8Array, contentType?: string | null): DecodedFeed {
  const bom = detectBom(bytes);
  if (bom) {
    return {
      text: iconv.decode(Buffer.from(bytes.subarray(bom.length)), bom.encoding),
      encoding: bom.encoding,
    };
  }
  const wide = sniffWideEncoding(bytes);
  const declared = [charsetFromContentType(contentType), wide ? null : charsetFromXmlDeclaration(bytes)]
    .map(normaliseCharset)
    .filter((name): name is string => name !== null);
  if (wide && !declared.some((name) => WIDE.has(name)))
    return { text: decodeWith(bytes, wide), encoding: wide };

  const asUtf8 = tryUtf8(bytes);
  const multiByteUtf8 = asUtf8 !== null && hasNonAscii(bytes);
  for (const name of declared) {
    if (WIDE.has(name)) {
      const resolved = name === 'utf-16' || name === 'utf-32' ? (wide ?? name) : name;
      return { text: decodeWith(bytes, resolved), encoding: resolved };
    }
    if (name === 'utf-8') {
      if (asUtf8 !== null) return { text: asUtf8, encoding: 'utf-8' };
      continue;
    }
    if (multiByteUtf8) break;
    if (decodesStrictly(bytes, name)) return { text: decodeWith(bytes, name), encoding: name };
  }
  if (asUtf8 !== null) return { text: asUtf8, encoding: 'utf-8' };
  const sniffed = sniffLegacyEncoding(bytes);
  return { text: decodeWith(bytes, sniffed), encoding: sniffed };
}

// --- double-encoded UTF-8 repair

// Byte values 0x80–0x9F as windows-1252 shows them; a UTF-8 continuation byte read as cp1252 is one
// of these or U+0080–U+00BF.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const CONTINUATION = `[\\u0080-\\u00BF${CP1252_HIGH}]`;
const MOJIBAKE = new RegExp(`[\\u00C2-\\u00F4]${CONTINUATION}{1,3}`, 'g');
const MARKER = /[ÃÂ][\u0080-\u00BF]|[ÐÑ][\u0080-\u00BF‘’“”•–—˜™š›œžŸ€‚ƒ„…†‡ˆ‰Š‹ŒŽ]|â€|\uFFFD/g;

function cp1252Byte(ch: string): number {
  const code = ch.charCodeAt(0);
  if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) return code;
  const index = CP1252_HIGH.indexOf(ch);
  return index >= 0 ? 0x80 + index : code & 0xff;
}

/** Counts patterns typical of UTF-8 read as Latin-1/cp1252 (Ã©, Ð¿, â€™) and U+FFFD. */
export function mojibakeMarkers(text: string): number {
  return text.match(MARKER)?.length ?? 0;
}

/**
 * Repairs text whose UTF-8 bytes were once decoded as Latin-1/cp1252 (`KÃ¤lte` → `Kälte`). Only
 * sequences that re-encode to valid UTF-8 are replaced, and only if the marker count drops, so
 * clean text (including real `Ã` or `Ð`) is returned unchanged.
 */
export function repairMojibake(text: string): string {
  const before = mojibakeMarkers(text);
  if (before === 0) return text;
  const repaired = text.replace(MOJIBAKE, (match) => {
    const bytes = Uint8Array.from(Array.from(match), cp1252Byte);
    const lead = bytes[0] ?? 0;
    const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (bytes.length < length) return match;
    const decoded = tryUtf8(bytes.subarray(0, length));
    if (decoded === null) return match;
    return decoded + match.slice(length);
  });
  return mojibakeMarkers(repaired) < before ? repaired : text;
}
