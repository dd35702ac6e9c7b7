<!DOCTYPE html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>گالری تصاویر</title>
</head>
<body class="">
<header><div class="today">امروز: جمعه ۱۳ آذر ۱۴۰۵</div><nav><ul><li><a href="/">صفحه اصلی</a></li><li><a href="/">اخبار شهری</a></li><li><a href="/about.php">درباره ما</a></li><li><a href="/gallery.php">گالری تصاویر</a></li><li><a href="/contact.php">تماس با ما</a></li></ul></nav></header>
<main id="content">
<h1>گالری تصاویر</h1><figure><img src="/images/g1.jpg" alt="تصویر ۱"><figcaption>عکس: ۱</figcaption></figure><figure><img src="/images/g2.jpg" alt="تصویر ۲"><figcaption>عکس: ۲</figcaption></figure><figure><img src="/images/g3.jpg" alt="تصویر ۳"><figcaption>عکس: ۳</figcaption></figure><figure><img src="/images/g4.jpg" alt="تصویر ۴"><figcaption>عکس: ۴</figcaption></figure>
</main>

<footer><p>تمامی حقوق برای روابط عمومی شهرداری محفوظ است.</p></footer>
</body></html>
