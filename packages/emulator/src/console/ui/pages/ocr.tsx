/** OCR: every call with its image and result; register a fixture (a canned answer) by dropping an image. */
import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { formatBytes, formatTime } from '../lib/format.js';
import { defineStrings, useT } from '../lib/i18n.js';
import { useLive } from '../lib/live.js';
import { type PageProps, definePage } from '../lib/page.js';
import { ActionButton, AdminImage, Badge, Card, Empty, ErrorNote, Field, JsonView, errTone, toast } from '../lib/ui.js';

const strings = defineStrings({
  en: {
    calls: 'OCR calls',
    noCalls: 'No OCR calls yet: call ocr.bankcard, ocr.printedText, ocr.idcard…',
    fixtures: 'Fixtures',
    noFixtures:
      'No fixtures: the recognisers answer (real recognition for printed text and bank cards, synthetic cards otherwise).',
    register: 'Register a fixture',
    drop: 'Drop an image here, or click to choose one',
    dropped: '{name} · {size}',
    kind: 'Recogniser',
    anyKind: 'any recogniser',
    result: 'Answer (JSON, without errcode)',
    add: 'Register',
    badJson: 'The answer must be a JSON object',
    remove: 'Remove',
    source: 'Answered by',
    image: 'Image',
    noImage: 'no image kept',
    fromUrl: 'from img_url',
    added: 'Fixture registered: the next call with this image gets this answer.',
    matches: 'Matches',
  },
  zh: {
    calls: 'OCR 调用',
    noCalls: '还没有 OCR 调用：调用 ocr.bankcard、ocr.printedText、ocr.idcard…',
    fixtures: '预设结果',
    noFixtures: '没有预设结果：由识别器作答（通用印刷体和银行卡真实识别，其他证件生成合成结果）。',
    register: '登记预设结果',
    drop: '把图片拖到这里，或点击选择',
    dropped: '{name} · {size}',
    kind: '识别接口',
    anyKind: '所有识别接口',
    result: '返回内容（JSON，不含 errcode）',
    add: '登记',
    badJson: '返回内容必须是 JSON 对象',
    remove: '删除',
    source: '结果来源',
    image: '图片',
    noImage: '图片未保留',
    fromUrl: '来自 img_url',
    added: '已登记：之后用这张图片调用时返回这个结果。',
    matches: '匹配',
  },
});

const KINDS = [
  'bankcard',
  'businessLicense',
  'driverLicense',
  'idcard',
  'printedText',
  'vehicleLicense',
  'plateNumber',
];
const SAMPLES: Record<string, unknown> = {
  '': { number: '6222020200112233445' },
  bankcard: { number: '6222020200112233445' },
  businessLicense: { reg_num: '91110000600037341L', enterprise_name: '示例科技有限公司', legal_representative: '张三' },
  driverLicense: { id_num: '110101199003071234', name: '张三', sex: '男', car_class: 'C1' },
  idcard: {
    type: 'Front',
    name: '张三',
    id: '110101199003071234',
    addr: '北京市东城区',
    gender: '男',
    nationality: '汉',
  },
  printedText: { items: [{ text: '你好，世界' }] },
  vehicleLicense: { plate_num: '京A12345', vehicle_type: '小型普通客车', owner: '张三' },
  plateNumber: { number: '京A12345' },
};

interface OcrCall {
  seq: number;
  time: number;
  kind: string;
  input: 'img' | 'img_url' | 'none';
  img_url?: string;
  filename?: string;
  size?: number;
  sha256?: string;
  source?: string;
  fixtureId?: string;
  errcode: number;
  result?: Record<string, unknown>;
  recognitionMs?: number;
}
interface Fixture {
  id: string;
  kind?: string;
  sha256?: string;
  img_url?: string;
  result: Record<string, unknown>;
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

function RegisterFixture() {
  const t = useT(strings);
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<string>();
  const [over, setOver] = useState(false);
  const [kind, setKind] = useState('bankcard');
  const [result, setResult] = useState(JSON.stringify(SAMPLES.bankcard, null, 2));
  const pick = (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    if (preview) URL.revokeObjectURL(preview);
    setPreview(URL.createObjectURL(f));
  };
  const submit = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(result);
    } catch {
      throw new Error(t('badJson'));
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(t('badJson'));
    return api.post('ocr/fixtures', {
      kind: kind || undefined,
      image_base64: await readAsBase64(file as File),
      result: parsed,
    });
  };
  return (
    <Card title={t('register')} testid="register-fixture">
      <label
        class={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          pick(e.dataTransfer?.files[0]);
        }}
      >
        <input
          type="file"
          accept="image/*"
          hidden
          data-testid="fixture-file"
          onChange={(e) => pick((e.target as HTMLInputElement).files?.[0])}
        />
        {preview ? <img class="thumb" src={preview} alt="" /> : null}
        <div>{file ? t('dropped', { name: file.name, size: formatBytes(file.size) }) : t('drop')}</div>
      </label>
      <div class="form" style={{ marginTop: '10px' }}>
        <Field label={t('kind')}>
          <select
            value={kind}
            data-testid="fixture-kind"
            onChange={(e) => {
              const k = (e.target as HTMLSelectElement).value;
              setKind(k);
              setResult(JSON.stringify(SAMPLES[k], null, 2));
            }}
          >
            <option value="">{t('anyKind')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('result')} full>
          <textarea
            rows={4}
            value={result}
            data-testid="fixture-result"
            onInput={(e) => setResult((e.target as HTMLTextAreaElement).value)}
          />
        </Field>
        <ActionButton
          kind="primary"
          disabled={!file}
          testid="add-fixture"
          onClick={submit}
          onDone={() => {
            setFile(undefined);
            setPreview(undefined);
            toast(t('added'), 'ok');
          }}
        >
          {t('add')}
        </ActionButton>
      </div>
    </Card>
  );
}

function Ocr(props: PageProps) {
  const t = useT(strings);
  const calls = useLive(['request', 'ocr'], () => api.get<OcrCall[]>('ocr/calls', { appid: props.appid }), [
    props.appid,
  ]);
  const fixtures = useLive(['ocr'], () => api.get<Fixture[]>('ocr/fixtures'));
  const list = [...(calls.data ?? [])].reverse();
  return (
    <div class="page">
      <Card title={t('calls')} testid="ocr-calls">
        <ErrorNote error={calls.error} />
        {list.length === 0 ? (
          <Empty>{t('noCalls')}</Empty>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <tbody>
                {list.map((c) => (
                  <tr key={c.seq} data-testid="ocr-call">
                    <td style={{ width: '180px' }}>
                      {c.sha256 ? (
                        <AdminImage
                          path={`ocr/images/${c.sha256}`}
                          alt={t('image')}
                          class="thumb"
                          testid="ocr-image"
                          fallback={t('noImage')}
                        />
                      ) : null}
                    </td>
                    <td style={{ width: '220px' }}>
                      <div class="stack">
                        <span>
                          <Badge tone="info">{c.kind}</Badge>{' '}
                          <Badge tone={errTone(c.errcode)}>errcode {c.errcode}</Badge>
                        </span>
                        <span class="muted">{formatTime(c.time)}</span>
                        {c.source && (
                          <span>
                            {t('source')}: <Badge>{c.source}</Badge>
                          </span>
                        )}
                        {c.filename && (
                          <span class="muted">
                            {c.filename} · {formatBytes(c.size)}
                          </span>
                        )}
                        {c.img_url && (
                          <span class="muted">
                            {t('fromUrl')}: <code>{c.img_url}</code>
                          </span>
                        )}
                      </div>
                    </td>
                    <td>{c.result ? <JsonView value={c.result} /> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <div class="grid-2">
        <RegisterFixture />
        <Card title={t('fixtures')} testid="fixtures">
          <ErrorNote error={fixtures.error} />
          {(fixtures.data ?? []).length === 0 ? (
            <Empty>{t('noFixtures')}</Empty>
          ) : (
            <table class="table">
              <tbody>
                {fixtures.data?.map((f) => (
                  <tr key={f.id} data-testid="fixture-row">
                    <td>
                      <div>
                        <Badge tone="info">{f.kind ?? t('anyKind')}</Badge>
                      </div>
                      <code class="muted">{f.sha256 ? `sha256 ${f.sha256.slice(0, 12)}…` : f.img_url}</code>
                    </td>
                    <td>
                      <JsonView value={f.result} />
                    </td>
                    <td class="num">
                      <ActionButton small kind="danger" onClick={() => api.del(`ocr/fixtures/${f.id}`)}>
                        {t('remove')}
                      </ActionButton>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </div>
  );
}

export default definePage({ id: 'ocr', title: { en: 'OCR', zh: 'OCR 识别' }, icon: '◫', component: Ocr });
